import { afterEach, describe, expect, it } from 'vitest';
import { parseOptions } from '../../src/verify/options.js';
import { exitCode, formatReport, type CheckResult } from '../../src/verify/report.js';
import { runChecks } from '../../src/verify/run.js';
import { startStackDouble, type StackDouble, type StackFaults } from './stack-double.js';

let stack: StackDouble | undefined;
afterEach(async () => stack?.close());

async function verify(faults: StackFaults, roles: { zipkin?: boolean; prometheus?: boolean } = { zipkin: true, prometheus: true }) {
  stack = await startStackDouble(faults);
  const args = ['--agent', stack.url, '--timeout', '2'];
  if (roles.zipkin) args.push('--zipkin', stack.url);
  if (roles.prometheus) args.push('--prometheus', stack.url);
  const results = await runChecks(parseOptions(args, {}));
  return { results, by: (name: string) => results.find((r) => r.name === name) as CheckResult };
}

describe('npm run verify against an in-process stack', () => {
  it('passes every check of a healthy stack, with evidence, and skips the absent PNG', async () => {
    const { results, by } = await verify({});
    expect(results.map((r) => `${r.name}=${r.outcome}`)).toEqual([
      'chart page=pass',
      'data endpoint=pass',
      'chart PNG=skip',
      'traces in Zipkin=pass',
      'request series in Prometheus=pass',
      'latency exemplar → Zipkin=pass',
      'service graph edge=pass',
    ]);
    expect(by('traces in Zipkin').detail).toMatch(/3 traces .*[0-9a-f]{32}.*\(upstream upstream\.local\)/);
    expect(by('request series in Prometheus').detail).toContain('k8s-app-monitor-agent 0 → 3 (+3)');
    expect(by('latency exemplar → Zipkin').detail).toMatch(/one of this run's requests/);
    expect(by('service graph edge').detail).toContain('k8s-app-monitor-agent → upstream.local at 0.500000 req/s');
    expect(by('chart PNG').detail).toContain('404');
    expect(exitCode(results)).toBe(0);
  });

  it('accepts sidecar spans between the agent CLIENT and monitor-test SERVER', async () => {
    const { by } = await verify({ sidecar: true });
    expect(by('traces in Zipkin').outcome).toBe('pass');
  });

  it('fails, naming the trace and the missing span, when monitor-test never reports', async () => {
    const { results, by } = await verify({ dropTestSpan: true });
    expect(by('traces in Zipkin').outcome).toBe('fail');
    expect(by('traces in Zipkin').detail).toMatch(/trace [0-9a-f]{32}: 2 spans, no k8s-app-monitor-test SERVER span/);
    expect(exitCode(results)).toBe(1);
    expect(formatReport(results)).toMatch(/verify: FAILED 1 of 7 checks: traces in Zipkin\n$/);
  });

  it('fails when Prometheus does not count monitor-test requests', async () => {
    const { by } = await verify({ testNotScraped: true });
    expect(by('request series in Prometheus').outcome).toBe('fail');
    expect(by('request series in Prometheus').detail).toContain('k8s-app-monitor-test 0 → 0');
  });

  it('checks the PNG when the agent serves one', async () => {
    const { by } = await verify({ png: true });
    expect(by('chart PNG')).toMatchObject({ outcome: 'pass' });
  });

  it("skips, saying why, what needs Zipkin, Prometheus or the agent's graph", async () => {
    const { results, by } = await verify({ noGraph: true }, {});
    expect(by('traces in Zipkin')).toMatchObject({ outcome: 'skip', detail: 'no --zipkin / ZIPKIN_URL given' });
    expect(by('request series in Prometheus').outcome).toBe('skip');
    expect(by('service graph edge').detail).toContain('needs PROMETHEUS_URL');
    expect(exitCode(results)).toBe(0);
  });

  it('fails the Prometheus checks when Prometheus does not answer', async () => {
    stack = await startStackDouble({});
    const results = await runChecks(parseOptions(['--agent', stack.url, '--prometheus', 'http://127.0.0.1:9/', '--timeout', '1'], {}));
    expect(results.find((r) => r.name === 'request series in Prometheus')?.outcome).toBe('fail');
  });
});

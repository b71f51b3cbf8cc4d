/**
 * npm run drill against the real services, a real Prometheus 3 (the rules at 1/60 time, evaluated
 * every second) and a real Zipkin: each scenario's signals show within their budgets and recover,
 * and a drill fails, naming the signal, when a rule is broken. The reports are printed: the
 * measured table in docs/observability.md#drills comes from them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaleRules } from '../../src/drill/time-scale.js';
import type { DrillReport } from '../../src/drill/run.js';
import { ROOT } from '../helpers/paths.js';
import { freePort, startMonitorAgent, startMonitorTest, stopAll, type RunningService } from '../helpers/processes.js';
import { realToolsAvailable, startPrometheus, startZipkin, type Prometheus, type Zipkin } from '../helpers/servers.js';

const SCALE = 60;
const RULES = readFileSync(join(ROOT, 'k8s/monitoring/k8s-app-monitor.rules.yml'), 'utf8');

function drill(scenario: string, prometheus: Prometheus, extra: string[] = []): { status: number | null; report: DrillReport | undefined; stderr: string } {
  const run = spawnSync(
    process.execPath,
    [
      'dist/drill/main.js',
      scenario,
      '--agent',
      `${agent.url}/k8s-app-monitor-agent/`,
      '--prometheus',
      prometheus.url,
      '--zipkin',
      zipkin.url,
      '--admin',
      `http://127.0.0.1:${test.metricsPort}/`,
      '--scale',
      String(SCALE),
      '--rate-interval',
      '4s',
      '--warmup',
      '8',
      '--json',
      ...extra,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
  );
  const report = run.stdout.trim() ? (JSON.parse(run.stdout) as DrillReport) : undefined;
  if (report) for (const r of [...report.detection, ...report.recovery]) console.log(`${scenario}: ${r.outcome} ${r.name}: ${r.seconds ?? '-'} s, ${r.detail}`);
  return { status: run.status, report, stderr: run.stderr };
}

let zipkin: Zipkin;
let test: RunningService;
let agent: RunningService;
let prometheus: Prometheus;
const targets = () => [
  { job: 'k8s-app-monitor-test', app: 'k8s-app-monitor-test', ports: [test.metricsPort] },
  { job: 'k8s-app-monitor-agent', app: 'k8s-app-monitor-agent', ports: [agent.metricsPort] },
];

describe.skipIf(!realToolsAvailable())('incident drills (npm run drill)', () => {
  beforeAll(async () => {
    zipkin = await startZipkin();
    // The exporter's default 5 s batching, as deployed: an exemplar is scraped before its trace is
    // in Zipkin, and the drill must ask again (a 200 ms delay once hid that it did not).
    const tracing = { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint };
    const prometheusPort = await freePort();
    // Two apps, so the one-app drill has an app to fault and one that must stay clean.
    test = await startMonitorTest({ ...tracing, APPS: 'test-app:test-domain,other-app:other-domain' });
    agent = await startMonitorAgent(test.port, { ...tracing, PROMETHEUS_URL: `http://127.0.0.1:${prometheusPort}` });
    prometheus = await startPrometheus(targets(), { port: prometheusPort, rules: scaleRules(RULES, SCALE) });
  }, 120_000);
  afterAll(stopAll);

  it.each(['error-burst', 'slow-upstream', 'one-app'])(
    '%s: every signal sees the fault within its budget, and recovers',
    (scenario) => {
      const { status, report, stderr } = drill(scenario, prometheus);
      expect(stderr).toBe('');
      const failed = [...report!.detection, ...report!.recovery].filter((r) => r.outcome === 'fail');
      expect(failed).toEqual([]);
      expect(status).toBe(0);
      expect(report!.detection.filter((r) => r.seconds !== undefined).length).toBeGreaterThanOrEqual(2);
      if (scenario === 'one-app') expect(report!.app).toBe('other-app');
      expect(Object.keys(report!.traffic)).toEqual(expect.arrayContaining(['200']));
    },
    300_000,
  );

  it('fails, naming the signal, when the burn-rate rule is broken', async () => {
    // The availability budget typed as 50% instead of 0.5%: the alert can never fire.
    const broken = scaleRules(RULES, SCALE).replaceAll('6 * 0.005', '6 * 0.5');
    expect(broken).not.toBe(scaleRules(RULES, SCALE));
    const brokenPrometheus = await startPrometheus(targets(), { rules: broken });
    const { status, report } = drill('error-burst', brokenPrometheus, ['--scale', '600']);
    expect(status).toBe(1);
    expect(report!.detection.find((r) => r.name === 'availability burn alert (ticket)')).toMatchObject({ outcome: 'fail', detail: expect.stringMatching(/^not seen within 20 s/) });
    // The signals that do not depend on the rule still saw the fault.
    expect(report!.detection.find((r) => r.name.startsWith('exemplar'))).toMatchObject({ outcome: 'pass' });
  }, 300_000);
});

describe('npm run drill settings', () => {
  it.each([
    [['no-such-scenario', '--agent', 'http://a/'], /^drill: name one scenario: error-burst, slow-upstream, one-app$/],
    [['error-burst', '--prometheus', 'http://p/'], /^drill: --agent: required$/],
    [['error-burst', '--scale', '0'], /^drill: --scale: must be an integer from 1 to 3600, got "0"$/],
    [['--print-rules', '--bogus'], /^drill: Unknown option '--bogus'/],
  ])('exits 78 with one line for %j', (args, message) => {
    const run = spawnSync(process.execPath, ['dist/drill/main.js', ...args], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(78);
    expect(run.stderr.trim()).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('prints the rules at a time scale: ranges and for: divided, thresholds kept', () => {
    const run = spawnSync(process.execPath, ['dist/drill/main.js', '--print-rules', '--scale', '60'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('rate(http_server_request_duration_seconds_count[5s])');
    expect(run.stdout).toContain('[60s]'); // 1h
    expect(run.stdout).toMatch(/for: 15s\n/); // the ticket's 15m
    expect(run.stdout).toContain('> 6 * 0.005');
    expect(run.stdout).not.toMatch(/\[\d+[mh]\]/);
  });
});

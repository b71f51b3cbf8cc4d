/**
 * `npm run verify` against real processes, as after `npm start`: both built services exporting to
 * a real Zipkin, scraped by a real Prometheus that the agent also reads its service graph from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { freePort, startCommand, startMonitorAgent, startMonitorTest, stopAll, type RunningService } from '../helpers/processes.js';
import { realToolsAvailable, startPrometheus, startZipkin, type Prometheus, type Zipkin } from '../helpers/servers.js';

const VERIFY = fileURLToPath(new URL('../../dist/verify/main.js', import.meta.url));

async function runVerify(args: string[], env: Record<string, string> = {}): Promise<{ code: number | string; output: string }> {
  const proc = startCommand(process.execPath, [VERIFY, ...args], env);
  const code = await proc.exited;
  return { code, output: proc.output() };
}

describe.skipIf(!realToolsAvailable())('npm run verify against real services, Zipkin and Prometheus', () => {
  let zipkin: Zipkin;
  let prometheus: Prometheus;
  let agent: RunningService;

  beforeAll(async () => {
    zipkin = await startZipkin();
    const tracing = { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint, OTEL_BSP_SCHEDULE_DELAY: '200' };
    const test = await startMonitorTest(tracing);
    const [agentMetricsPort, prometheusPort] = [await freePort(), await freePort()];
    prometheus = await startPrometheus(
      [
        { job: 'k8s-app-monitor-test', app: 'k8s-app-monitor-test', ports: [test.metricsPort] },
        { job: 'k8s-app-monitor-agent', app: 'k8s-app-monitor-agent', ports: [agentMetricsPort] },
      ],
      { port: prometheusPort },
    );
    agent = await startMonitorAgent(test.port, { ...tracing, METRICS_PORT: String(agentMetricsPort), PROMETHEUS_URL: prometheus.url });
  }, 120_000);
  afterAll(stopAll);

  it('passes every check, one line of evidence each, through the Ingress path', async () => {
    const { code, output } = await runVerify(['--agent', `${agent.url}/k8s-app-monitor-agent/`, '--zipkin', `${zipkin.url}/zipkin/`, '--timeout', '45'], {
      PROMETHEUS_URL: prometheus.url,
    });
    expect(output).toMatch(/^PASS chart page: GET \/k8s-app-monitor-agent\/: 200 text\/html/m);
    expect(output).toMatch(/^PASS data endpoint: .* 200 with performance_index from monitor-test host\(s\) system-test-host$/m);
    expect(output).toMatch(/^PASS traces in Zipkin: 3 traces .*\(upstream 127\.0\.0\.1\)$/m);
    expect(output).toMatch(/^PASS request series in Prometheus: .*k8s-app-monitor-agent \d+ → \d+ \(\+\d+\), k8s-app-monitor-test/m);
    expect(output).toMatch(/^PASS latency exemplar → Zipkin: exemplar trace_id [0-9a-f]{32}/m);
    expect(output).toMatch(/^PASS service graph edge: k8s-app-monitor-agent → 127\.0\.0\.1 at [0-9.]+ req\/s/m);
    // chart.png is another change's; until it lands the agent answers 404 and the check says so.
    expect(output).toMatch(/^(PASS chart PNG: .*image\/png|SKIP chart PNG: .*404)/m);
    expect(output).toMatch(/^verify: ok, 6 passed, 1 skipped$|^verify: ok, 7 passed, 0 skipped$/m);
    expect(code).toBe(0);
  }, 120_000);

  it('exits non-zero naming the failed check when a trace cannot be found', async () => {
    // Prometheus is no Zipkin: every trace lookup fails.
    const { code, output } = await runVerify(['--agent', agent.url, '--zipkin', prometheus.url, '--prometheus', prometheus.url, '--timeout', '3']);
    expect(output).toMatch(/^FAIL traces in Zipkin: trace [0-9a-f]{32}: /m);
    expect(output).toMatch(/^verify: FAILED \d of 7 checks: traces in Zipkin/m);
    expect(code).toBe(1);
  }, 60_000);

  it('exits 78 with one line naming a missing setting', async () => {
    const { code, output } = await runVerify([]);
    expect(output.trim()).toBe('verify: --agent (or AGENT_URL): the agent URL is required, e.g. http://localhost:8888/');
    expect(code).toBe(78);
  });
});

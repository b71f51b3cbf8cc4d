/**
 * An exemplar is a promise that Zipkin has the trace. With a sampler below 100% only sampled
 * requests may leave one: `always_off` leaves none, `traceidratio` leaves some, each of which
 * resolves to its trace in a real Zipkin. Read from the services' own OpenMetrics exposition,
 * as Prometheus scrapes it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startMonitorAgent, startMonitorTest, stopAll } from '../helpers/processes.js';
import { realToolsAvailable, startZipkin } from '../helpers/servers.js';

afterAll(stopAll);

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

/** The trace ids of every exemplar on the request-duration histograms of a metrics port. */
async function exemplarTraceIds(metricsPort: number): Promise<string[]> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { accept: OPENMETRICS } })).text();
  return [...text.matchAll(/^http_(?:server|client)_request_duration_seconds_bucket\{.*\} \S+ # \{[^}]*trace_id="([0-9a-f]{32})"/gm)].map((m) => m[1]!);
}

async function drive(url: string, requests: number): Promise<void> {
  for (let i = 0; i < requests; i++) await (await fetch(`${url}/k8s-app-monitor-agent/api/metrics`)).arrayBuffer();
}

describe.skipIf(!realToolsAvailable())('exemplars only for sampled traces', () => {
  it('leaves no exemplar with OTEL_TRACES_SAMPLER=always_off', async () => {
    const env = { OTEL_TRACES_SAMPLER: 'always_off', OTEL_TRACES_EXPORTER: 'none' };
    const test = await startMonitorTest(env);
    const agent = await startMonitorAgent(test.port, env);
    await drive(agent.url, 50);
    expect(await exemplarTraceIds(agent.metricsPort)).toEqual([]);
    expect(await exemplarTraceIds(test.metricsPort)).toEqual([]);
    // The histograms did count the requests: only the exemplars are missing.
    const text = await (await fetch(`http://127.0.0.1:${agent.metricsPort}/metrics`, { headers: { accept: OPENMETRICS } })).text();
    expect(text).toMatch(/^http_server_request_duration_seconds_count\{[^}]*http_route="\/k8s-app-monitor-agent\/api\/metrics"[^}]*\} 50$/m);
  }, 60_000);

  it('with OTEL_TRACES_SAMPLER=traceidratio (0.3), every exemplar names a trace Zipkin has', async () => {
    const zipkin = await startZipkin();
    const env = {
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.3',
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    const test = await startMonitorTest(env);
    const agent = await startMonitorAgent(test.port, env);
    await drive(agent.url, 100);
    const ids = [...new Set([...(await exemplarTraceIds(agent.metricsPort)), ...(await exemplarTraceIds(test.metricsPort))])];
    expect(ids.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // two export rounds
    const missing: string[] = [];
    for (const id of ids) if (!(await fetch(`${zipkin.url}/api/v2/trace/${id}`)).ok) missing.push(id);
    expect(missing).toEqual([]);
    // And the sampler did drop traces: of 100 requests, Zipkin holds far fewer agent traces.
    const traces = (await (await fetch(`${zipkin.url}/api/v2/traces?serviceName=k8s-app-monitor-agent&limit=1000`)).json()) as unknown[];
    expect(traces.length).toBeGreaterThan(5);
    expect(traces.length).toBeLessThan(70);
  }, 120_000);
});

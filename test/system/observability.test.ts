/**
 * The observability spine against the real thing: both services as processes exporting to a real
 * Zipkin, scraped every second by a real Prometheus with exemplar storage on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { freePort, rssBytes, startMonitorAgent, startMonitorTest, stopAll, type RunningService } from '../helpers/processes.js';
import { realToolsAvailable, startPrometheus, startZipkin, type Prometheus, type Zipkin } from '../helpers/servers.js';
import type { ZipkinSpan } from '../../src/verify/zipkin-checks.js';
import { findTool } from '../helpers/tools.js';

const hex = (length: number) => Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join('');

async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

describe.skipIf(!realToolsAvailable())('traces in a real Zipkin, metrics in a real Prometheus', () => {
  let zipkin: Zipkin;
  let prometheus: Prometheus;
  let test: RunningService;
  let agent: RunningService;

  beforeAll(async () => {
    zipkin = await startZipkin();
    // APP_VERSION: what the image bakes in (the short SHA CI tags it with).
    const tracing = { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint, OTEL_BSP_SCHEDULE_DELAY: '200', APP_VERSION: 'abc1234' };
    test = await startMonitorTest(tracing);
    agent = await startMonitorAgent(test.port, tracing);
    prometheus = await startPrometheus([
      { job: 'k8s-app-monitor-test', app: 'k8s-app-monitor-test', ports: [test.metricsPort] },
      { job: 'k8s-app-monitor-agent', app: 'k8s-app-monitor-agent', ports: [agent.metricsPort] },
    ]);
  }, 120_000);
  afterAll(stopAll);

  /** The whole trace once Zipkin holds all three spans of one chart-data request. */
  const traceOf = (traceId: string) =>
    eventually(`trace ${traceId} in Zipkin`, async () => {
      const response = await fetch(`${zipkin.url}/api/v2/trace/${traceId}`);
      if (!response.ok) return undefined;
      const spans = (await response.json()) as ZipkinSpan[];
      return spans.length >= 3 ? spans : undefined;
    });

  function expectOneTrace(spans: ZipkinSpan[], inboundParent?: string) {
    const find = (service: string, kind: string) => spans.find((s) => s.localEndpoint?.serviceName === service && s.kind === kind);
    const agentServer = find('k8s-app-monitor-agent', 'SERVER');
    const agentClient = find('k8s-app-monitor-agent', 'CLIENT');
    const testServer = find('k8s-app-monitor-test', 'SERVER');
    expect(agentServer?.name).toMatch(/^get (\/k8s-app-monitor-agent)?\/api\/metrics$/);
    expect(agentServer?.parentId).toBe(inboundParent);
    expect(agentClient?.parentId).toBe(agentServer?.id);
    expect(testServer?.name).toBe('get /metrics');
    expect(testServer?.parentId).toBe(agentClient?.id);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
  }

  it('joins agent and test into ONE trace for a traceparent-only request', async () => {
    const [traceId, parent] = [hex(32), hex(16)];
    const res = await fetch(`${agent.url}/api/metrics`, { headers: { traceparent: `00-${traceId}-${parent}-01` } });
    expect(res.status).toBe(200);
    expectOneTrace(await traceOf(traceId), parent);
  });

  it('joins agent and test into ONE trace for a B3-only request', async () => {
    const [traceId, parent] = [hex(32), hex(16)];
    const res = await fetch(`${agent.url}/api/metrics`, { headers: { 'x-b3-traceid': traceId, 'x-b3-spanid': parent, 'x-b3-sampled': '1' } });
    expect(res.status).toBe(200);
    expectOneTrace(await traceOf(traceId), parent);
  });

  it('starts ONE trace for a request without trace headers, and names it in traceresponse', async () => {
    const res = await fetch(`${agent.url}/api/metrics`);
    const traceId = res.headers.get('traceresponse')?.split('-')[1];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expectOneTrace(await traceOf(traceId!));
  });

  it("tags each span with a small resource: the build's APP_VERSION and host name, not the process detectors", async () => {
    const res = await fetch(`${agent.url}/api/metrics`);
    const spans = await traceOf(res.headers.get('traceresponse')!.split('-')[1]!);
    for (const span of spans) {
      expect(span.tags).toMatchObject({ 'service.version': 'abc1234', 'host.name': hostname() });
      // Zipkin repeats the resource in every span: NodeSDK's default detectors doubled each one.
      expect(Object.keys(span.tags ?? {}).filter((key) => /^(process|os)\.|^host\.(id|arch)$/.test(key))).toEqual([]);
    }
  });

  it('lists both services in Zipkin', async () => {
    const services = await eventually('both services in Zipkin', async () => {
      const list = (await (await fetch(`${zipkin.url}/api/v2/services`)).json()) as string[];
      return list.length >= 2 ? list : undefined;
    });
    expect(services.sort()).toEqual(['k8s-app-monitor-agent', 'k8s-app-monitor-test']);
  });

  it('is scraped by Prometheus: both targets up, and the request count grows by what was sent', async () => {
    await eventually('both targets up', async () => {
      const up = await prometheus.query('up');
      return up.length === 2 && up.every((s) => s.value[1] === '1') ? true : undefined;
    });
    const countQuery = 'sum(http_server_request_duration_seconds_count{job="k8s-app-monitor-agent",http_route="/k8s-app-monitor-agent/api/metrics"}) or vector(0)';
    const current = async () => Number((await prometheus.query(countQuery))[0]?.value[1] ?? 0);
    const before = await current();
    const sent = 25;
    for (let i = 0; i < sent; i++) expect((await fetch(`${agent.url}/k8s-app-monitor-agent/api/metrics`)).status).toBe(200);
    await eventually(`count to reach ${before + sent}`, async () => ((await current()) === before + sent ? true : undefined));
    // monitor-test saw the same requests, and its simulated values are series too.
    // (its count reaches Prometheus by its own scrape, up to a scrape interval later)
    const testCount = async () => Number((await prometheus.query('sum(http_server_request_duration_seconds_count{job="k8s-app-monitor-test",http_route="/metrics"})'))[0]?.value[1] ?? 0);
    expect(await eventually(`monitor-test's count to reach ${sent}`, async () => ((await testCount()) >= sent ? await testCount() : undefined))).toBeGreaterThanOrEqual(sent);
    expect(await prometheus.query('simulated_app_fail_ratio{app_name="test-app",domain="test-domain"}')).toHaveLength(1);
    expect(await prometheus.query('http_client_request_duration_seconds_count{job="k8s-app-monitor-agent",error_type=""}')).not.toHaveLength(0);
    expect(await prometheus.query('nodejs_eventloop_lag_seconds')).toHaveLength(2);
  });

  it('exposes a classic text format that promtool check metrics accepts, and OpenMetrics to Prometheus', async () => {
    for (const port of [test.metricsPort, agent.metricsPort]) {
      const classic = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(classic.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const check = spawnSync(findTool('promtool')!, ['check', 'metrics'], { input: await classic.text(), encoding: 'utf8' });
      expect(`${check.stdout}${check.stderr}`).toBe('');
      expect(check.status).toBe(0);
      const open = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
      expect(open.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
      expect(await open.text()).toMatch(/# EOF\n$/);
    }
  });

  it('stores trace-id exemplars that Zipkin can look up', async () => {
    const exemplars = await eventually('exemplars', async () => {
      const now = Date.now() / 1000;
      const response = await fetch(
        `${prometheus.url}/api/v1/query_exemplars?query=${encodeURIComponent('http_server_request_duration_seconds_bucket{job="k8s-app-monitor-agent"}')}&start=${now - 300}&end=${now}`,
      );
      const body = (await response.json()) as { data: { exemplars: { labels: Record<string, string> }[] }[] };
      const all = body.data.flatMap((series) => series.exemplars);
      return all.length > 0 ? all : undefined;
    });
    const traceId = exemplars.at(-1)!.labels.trace_id!;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expectOneTrace(await traceOf(traceId));
  });

  it('flushes the spans of an in-flight request on SIGTERM, after the request finishes', async () => {
    // Spans would normally wait 60 s for their batch: only the shutdown flush can deliver them.
    const slowUpstream = createServer((_req, res) => setTimeout(() => res.writeHead(503).end(), 400));
    const port = await freePort();
    await new Promise<void>((resolve) => slowUpstream.listen(port, '127.0.0.1', resolve));
    try {
      const lazyAgent = await startMonitorAgent(port, {
        OTEL_TRACES_EXPORTER: 'zipkin',
        OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
        OTEL_BSP_SCHEDULE_DELAY: '60000',
      });
      const traceId = hex(32);
      const inFlight = fetch(`${lazyAgent.url}/api/metrics`, { headers: { traceparent: `00-${traceId}-${hex(16)}-01` } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      lazyAgent.proc.child.kill('SIGTERM');
      expect((await inFlight).status).toBe(502);
      expect(await lazyAgent.proc.exited).toBe(0);
      const spans = (await (await fetch(`${zipkin.url}/api/v2/trace/${traceId}`)).json()) as ZipkinSpan[];
      expect(spans.map((s) => s.kind).sort()).toEqual(['CLIENT', 'SERVER']);
      expect(spans.find((s) => s.kind === 'CLIENT')?.tags?.['error.type']).toBe('http_status');
    } finally {
      slowUpstream.close();
    }
  });

  it('on SIGTERM under sustained load, delivers the spans of every answered request to Zipkin, then exits 0', async () => {
    // Spans would wait 60 s for their batch: only the drain-then-flush on SIGTERM can deliver them.
    const lazyAgent = await startMonitorAgent(test.port, {
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
      OTEL_BSP_SCHEDULE_DELAY: '60000',
    });
    const answered: string[] = [];
    let stopped = false;
    const worker = async () => {
      while (!stopped) {
        const traceId = hex(32);
        let status: number;
        try {
          const res = await fetch(`${lazyAgent.url}/api/metrics`, { headers: { traceparent: `00-${traceId}-${hex(16)}-01` } });
          await res.arrayBuffer();
          status = res.status;
        } catch {
          return; // refused or reset once the agent stops accepting
        }
        // Outside the try: a wrong answer fails the test, only a refused connection ends the worker.
        expect(status).toBe(200);
        answered.push(traceId);
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, worker));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    lazyAgent.proc.child.kill('SIGTERM');
    expect(await lazyAgent.proc.exited).toBe(0);
    stopped = true;
    await load;
    expect(answered.length).toBeGreaterThan(50);
    // The last answers were in flight when the signal came; their spans, and a sample of the rest.
    for (const traceId of [...answered.slice(-12), ...answered.filter((_, i) => i % 25 === 0)]) {
      const spans = await eventually(
        `trace ${traceId}`,
        async () => {
          const res = await fetch(`${zipkin.url}/api/v2/trace/${traceId}`);
          return res.ok ? ((await res.json()) as ZipkinSpan[]) : undefined;
        },
        5000,
      );
      expect(
        spans.some((s) => s.localEndpoint?.serviceName === 'k8s-app-monitor-agent' && s.kind === 'SERVER'),
        traceId,
      ).toBe(true);
    }
  }, 60_000);

  it('keeps serving with Zipkin stopped: 2,000 requests succeed, RSS stays within 20%, one warning', async () => {
    const burst = async (count: number) => {
      const statuses = new Map<number, number>();
      const worker = async () => {
        for (let i = 0; i < count / 8; i++) {
          const res = await fetch(`${agent.url}/api/metrics`);
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      return Object.fromEntries(statuses);
    };
    // Warm up with Zipkin still up, so the heap has grown to its working size before we compare.
    expect(await burst(2000)).toEqual({ 200: 2000 });
    await zipkin.proc.stop();
    const before = { agent: rssBytes(agent.proc.child.pid!), test: rssBytes(test.proc.child.pid!) };
    expect(await burst(2000)).toEqual({ 200: 2000 });
    const after = { agent: rssBytes(agent.proc.child.pid!), test: rssBytes(test.proc.child.pid!) };
    expect(after.agent / before.agent).toBeLessThan(1.2);
    expect(after.test / before.test).toBeLessThan(1.2);
    // The failed exports are reported, once: throttled to one line a minute, however many batches fail.
    const warnings = (service: typeof agent) => service.proc.output().match(/"msg":"trace export failed"/g)?.length ?? 0;
    for (const service of [agent, test]) {
      await eventually('the export failure to be reported', async () => (warnings(service) > 0 ? true : undefined), 10_000);
      expect(warnings(service)).toBe(1);
    }
  }, 120_000);
});

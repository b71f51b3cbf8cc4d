/**
 * The agent as k8s/overlays/istio-mesh-telemetry runs it: no tracer registered (this file installs
 * none, as OTEL_SDK_DISABLED=true leaves the API's no-op one), so the sidecars make the spans.
 * The agent must still pass their trace on and link the page to it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/monitor-agent/app.js';
import { createUpstreamClient } from '../../src/monitor-agent/upstream.js';
import { createLogger } from '../../src/shared/logger.js';
import { monitorAgentFixture, SAMPLE, startServer } from '../helpers/fixtures.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const ENVOY_HEADERS = { 'x-request-id': 'req-7', 'x-b3-traceid': TRACE_ID, 'x-b3-spanid': '00f067aa0ba902b7', 'x-b3-parentspanid': 'a3ce929d0e0e4736', 'x-b3-sampled': '1' };
const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function agentWithoutTracer(upstreamUp = true) {
  const seen: IncomingHttpHeaders[] = [];
  const upstream = await startServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(SAMPLE));
  });
  if (upstreamUp) closing.push(upstream.close);
  else await upstream.close();
  const { config, deps } = monitorAgentFixture(undefined, { UPSTREAM_URL: upstream.url.href, ZIPKIN_UI_URL: 'http://zipkin.example:9411' });
  const client = createUpstreamClient({ baseUrl: config.upstreamUrl, timeoutMs: 500 });
  closing.push(async () => client.close());
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ name: 'k8s-app-monitor-agent', level: 'info', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  return { http: request(createApp(config, { ...deps, logger, upstream: client }).callback()), seen, lines };
}

describe('the agent with no tracer of its own (request telemetry by the mesh)', () => {
  it("passes the sidecar's trace headers on unchanged, so the next sidecar's span joins the trace", async () => {
    const { http, seen } = await agentWithoutTracer();
    const res = await http.get('/api/metrics').set(ENVOY_HEADERS).expect(200);
    expect(seen[0]).toMatchObject(ENVOY_HEADERS);
    expect(seen[0]!.traceparent).toBeUndefined();
    expect(res.headers.traceresponse).toBeUndefined();
  });

  it("links the sample to the sidecars' trace when it is sampled, and not otherwise", async () => {
    const { http } = await agentWithoutTracer();
    const link = async (headers: Record<string, string>) => (await http.get('/api/metrics').set(headers).expect(200)).headers['x-trace-url'];
    expect(await link(ENVOY_HEADERS)).toBe(`http://zipkin.example:9411/zipkin/traces/${TRACE_ID}`);
    expect(await link({ ...ENVOY_HEADERS, 'x-b3-sampled': '0' })).toBeUndefined();
    expect(await link({})).toBeUndefined();
  });

  it("names the sidecars' trace in the line of a failed request", async () => {
    const { http, lines } = await agentWithoutTracer(false);
    await http.get('/api/metrics').set(ENVOY_HEADERS).expect(502);
    await http
      .get('/api/metrics')
      .set({ ...ENVOY_HEADERS, 'x-b3-sampled': '0' })
      .expect(502);
    const failed = lines.filter((line) => line.msg === 'request failed');
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatchObject({ status: 502, trace_id: TRACE_ID });
    expect(failed[1]).not.toHaveProperty('trace_id');
  });
});

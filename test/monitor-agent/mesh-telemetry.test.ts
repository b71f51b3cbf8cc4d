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
import { monitorAgentFixture, SAMPLE, startServer } from '../helpers/fixtures.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const ENVOY_HEADERS = { 'x-request-id': 'req-7', 'x-b3-traceid': TRACE_ID, 'x-b3-spanid': '00f067aa0ba902b7', 'x-b3-parentspanid': 'a3ce929d0e0e4736', 'x-b3-sampled': '1' };
const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function agentWithoutTracer() {
  const seen: IncomingHttpHeaders[] = [];
  const upstream = await startServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(SAMPLE));
  });
  closing.push(upstream.close);
  const { config, deps } = monitorAgentFixture(undefined, { UPSTREAM_URL: upstream.url.href, ZIPKIN_UI_URL: 'http://zipkin.example:9411' });
  const client = createUpstreamClient({ baseUrl: config.upstreamUrl, timeoutMs: 500 });
  closing.push(async () => client.close());
  return { http: request(createApp(config, { ...deps, upstream: client }).callback()), seen };
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
});

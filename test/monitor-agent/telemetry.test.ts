import type { IncomingHttpHeaders } from 'node:http';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/monitor-agent/app.js';
import { createUpstreamClient } from '../../src/monitor-agent/upstream.js';
import { render } from '../../src/shared/telemetry/exposition.js';
import { clientDurationHistogram } from '../../src/shared/telemetry/metrics.js';
import { monitorAgentFixture, SAMPLE, startServer } from '../helpers/fixtures.js';
import { useInMemoryTracing } from '../helpers/tracing-fixture.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const spans = useInMemoryTracing();
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The agent app wired to a real upstream client, calling a loopback double that records headers. */
async function agentWithUpstream(env: Record<string, string> = {}, upstreamUp = true, userinfo = '') {
  const seen: IncomingHttpHeaders[] = [];
  const upstream = await startServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(SAMPLE));
  });
  if (!upstreamUp) await upstream.close();
  else cleanups.push(upstream.close);
  const upstreamUrl = new URL(`http://${userinfo}${upstream.url.host}`);
  const zipkin = `https://${userinfo}zipkin.example/ui`;
  const { config, deps } = monitorAgentFixture(undefined, { UPSTREAM_URL: upstreamUrl.href, ...(userinfo ? { ZIPKIN_UI_URL: zipkin } : {}), ...env });
  const client = createUpstreamClient({ baseUrl: config.upstreamUrl, timeoutMs: 500, duration: clientDurationHistogram(deps.metrics.registry) });
  cleanups.push(client.close);
  const app = createApp(config, { ...deps, upstream: client });
  return { http: request(app.callback()), seen, metrics: deps.metrics, upstreamUrl };
}

const byKind = (kind: SpanKind) => spans.getFinishedSpans().filter((span) => span.kind === kind);

describe('agent → upstream tracing', () => {
  it('makes a CLIENT span under the SERVER span and sends its context as W3C and B3 headers', async () => {
    const { http, seen } = await agentWithUpstream();
    await http.get('/k8s-app-monitor-agent/api/metrics').set('traceparent', `00-${TRACE_ID}-${PARENT_ID}-01`).expect(200);
    const [server] = byKind(SpanKind.SERVER);
    const [clientSpan] = byKind(SpanKind.CLIENT);
    expect(server!.name).toBe('GET /k8s-app-monitor-agent/api/metrics');
    expect(server!.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(clientSpan!.name).toBe('GET');
    expect(clientSpan!.spanContext().traceId).toBe(TRACE_ID);
    expect(clientSpan!.parentSpanContext?.spanId).toBe(server!.spanContext().spanId);
    expect(clientSpan!.attributes).toMatchObject({ 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'http.response.status_code': 200 });
    const clientId = clientSpan!.spanContext().spanId;
    expect(seen[0]!.traceparent).toBe(`00-${TRACE_ID}-${clientId}-01`);
    expect(seen[0]).toMatchObject({ 'x-b3-traceid': TRACE_ID, 'x-b3-spanid': clientId, 'x-b3-sampled': '1' });
  });

  it('keeps the credentials of UPSTREAM_URL and ZIPKIN_UI_URL out of spans and the X-Trace-Url header, and still uses them', async () => {
    const { http, seen, upstreamUrl } = await agentWithUpstream({}, true, 'user:s3cret@');
    const res = await http.get('/api/metrics').set('traceparent', `00-${TRACE_ID}-${PARENT_ID}-01`).expect(200);
    expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from('user:s3cret').toString('base64')}`);
    const [clientSpan] = byKind(SpanKind.CLIENT);
    expect(clientSpan!.attributes['url.full']).toBe(`http://REDACTED:REDACTED@${upstreamUrl.host}/metrics`);
    expect(res.headers['x-trace-url']).toBe(`https://zipkin.example/ui/zipkin/traces/${TRACE_ID}`);
    expect(JSON.stringify(spans.getFinishedSpans().map((span) => span.attributes))).not.toContain('s3cret');
  });

  it('forwards x-request-id and the other Istio headers, and drops stale context headers', async () => {
    const { http, seen } = await agentWithUpstream();
    await http
      .get('/api/metrics')
      .set({
        'x-request-id': 'req-42',
        'x-ot-span-context': 'ot-ctx',
        'x-cloud-trace-context': 'cloud-ctx',
        b3: `${TRACE_ID}-${PARENT_ID}-1`,
        'x-b3-parentspanid': 'aaaaaaaaaaaaaaaa',
        'x-unrelated': 'not forwarded',
      })
      .expect(200);
    expect(seen[0]).toMatchObject({ 'x-request-id': 'req-42', 'x-ot-span-context': 'ot-ctx', 'x-cloud-trace-context': 'cloud-ctx' });
    // The single b3 header was extracted (same trace) but not forwarded: it names the previous hop.
    expect(seen[0]!.b3).toBeUndefined();
    expect(seen[0]!['x-b3-parentspanid']).toBeUndefined();
    expect(seen[0]!['x-b3-traceid']).toBe(TRACE_ID);
    expect(seen[0]!['x-unrelated']).toBeUndefined();
  });

  it('marks a failed call ERROR with its kind, and counts it by error_type', async () => {
    const { http, metrics } = await agentWithUpstream({}, false);
    await http.get('/api/metrics').expect(502);
    const [clientSpan] = byKind(SpanKind.CLIENT);
    expect(clientSpan!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'connection_refused' });
    expect(clientSpan!.attributes['error.type']).toBe('connection_refused');
    expect(clientSpan!.events.map((e) => e.name)).toEqual(['exception']);
    const [server] = byKind(SpanKind.SERVER);
    expect(server!.status.code).toBe(SpanStatusCode.ERROR);
    const text = await render(metrics.registry, 'text/plain; version=0.0.4; charset=utf-8');
    expect(text).toMatch(
      /http_client_request_duration_seconds_count\{http_request_method="GET",server_address="127\.0\.0\.1",server_port="\d+",http_response_status_code="",error_type="connection_refused"\} 1/,
    );
    expect(text).toMatch(/http_server_request_duration_seconds_count\{http_request_method="GET",http_route="\/api\/metrics",http_response_status_code="502"\} 1/);
  });

  it('links the sample to its trace in Zipkin when ZIPKIN_UI_URL is set', async () => {
    const { http } = await agentWithUpstream({ ZIPKIN_UI_URL: 'http://zipkin.example:9411' });
    const res = await http.get('/api/metrics').set('traceparent', `00-${TRACE_ID}-${PARENT_ID}-01`).expect(200);
    expect(res.headers['x-trace-url']).toBe(`http://zipkin.example:9411/zipkin/traces/${TRACE_ID}`);
    const unsampled = await http.get('/api/metrics').set('traceparent', `00-${TRACE_ID}-${PARENT_ID}-00`).expect(200);
    expect(unsampled.headers['x-trace-url']).toBeUndefined();
  });

  it.each(['http://zipkin.example:9411/zipkin', 'http://zipkin.example:9411/zipkin/'])('takes ZIPKIN_UI_URL=%s, the UI as a browser shows it, for the same link', async (ui) => {
    const { http } = await agentWithUpstream({ ZIPKIN_UI_URL: ui });
    const res = await http.get('/api/metrics').set('traceparent', `00-${TRACE_ID}-${PARENT_ID}-01`).expect(200);
    expect(res.headers['x-trace-url']).toBe(`http://zipkin.example:9411/zipkin/traces/${TRACE_ID}`);
  });

  it('sends no trace link without ZIPKIN_UI_URL', async () => {
    const { http } = await agentWithUpstream();
    expect((await http.get('/api/metrics').expect(200)).headers['x-trace-url']).toBeUndefined();
  });
});

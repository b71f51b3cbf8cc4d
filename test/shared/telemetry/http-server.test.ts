import { Writable } from 'node:stream';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/monitor-test/app.js';
import { createLogger } from '../../../src/shared/logger.js';
import { render } from '../../../src/shared/telemetry/exposition.js';
import { monitorTestFixture } from '../../helpers/fixtures.js';
import { useInMemoryTracing } from '../../helpers/tracing-fixture.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_ID = 'b7ad6b7169203331';
const spans = useInMemoryTracing();

function client(overrides: Partial<ReturnType<typeof monitorTestFixture>['deps']> = {}) {
  const { config, deps } = monitorTestFixture();
  const all = { ...deps, ...overrides };
  return { http: request(createApp(config, all).callback()), metrics: all.metrics };
}

describe('SERVER spans', () => {
  it('makes one SERVER span per request, named by route template, and returns its ids in traceresponse', async () => {
    const res = await client().http.get('/metrics/checkout').expect(200);
    const [span] = spans.getFinishedSpans();
    expect(spans.getFinishedSpans()).toHaveLength(1);
    expect(span!.name).toBe('GET /metrics/:appname');
    expect(span!.kind).toBe(SpanKind.SERVER);
    expect(span!.attributes).toMatchObject({ 'http.route': '/metrics/:appname', 'http.request.method': 'GET', 'http.response.status_code': 200, 'url.path': '/metrics/checkout' });
    expect(res.headers.traceresponse).toBe(`00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`);
  });

  it('names unmatched requests by method only, so random paths make no new span names', async () => {
    await client().http.get('/random/abc123').expect(404);
    const [span] = spans.getFinishedSpans();
    expect(span!.name).toBe('GET');
    expect(span!.attributes['http.route']).toBeUndefined();
    expect(span!.attributes['http.response.status_code']).toBe(404);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('continues a W3C trace from traceparent', async () => {
    await client().http.get('/metrics').set('traceparent', `00-${TRACE_ID}-${PARENT_ID}-01`).expect(200);
    const [span] = spans.getFinishedSpans();
    expect(span!.spanContext().traceId).toBe(TRACE_ID);
    expect(span!.parentSpanContext?.spanId).toBe(PARENT_ID);
  });

  it('continues a B3 trace from x-b3-* headers alone', async () => {
    await client().http.get('/metrics').set({ 'x-b3-traceid': TRACE_ID, 'x-b3-spanid': PARENT_ID, 'x-b3-sampled': '1' }).expect(200);
    const [span] = spans.getFinishedSpans();
    expect(span!.spanContext().traceId).toBe(TRACE_ID);
    expect(span!.parentSpanContext?.spanId).toBe(PARENT_ID);
  });

  it.each([
    { traceparent: 'garbage' },
    { traceparent: `00-${'0'.repeat(32)}-${PARENT_ID}-01` },
    { traceparent: `ff-${TRACE_ID}-${PARENT_ID}-01` },
    { 'x-b3-traceid': 'not-hex', 'x-b3-spanid': '123', 'x-b3-sampled': 'yes' },
    { b3: '!!!' },
  ])('starts a new trace on a malformed header %o, never an error', async (headers) => {
    await client().http.get('/metrics').set(headers).expect(200);
    const [span] = spans.getFinishedSpans();
    expect(span!.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span!.spanContext().traceId).not.toBe(TRACE_ID);
    expect(span!.parentSpanContext).toBeUndefined();
  });

  it('marks a 5xx span ERROR and records the exception, without telling the client', async () => {
    const failing = {
      apps: [],
      sample: () => {
        throw new Error('simulation exploded');
      },
      latest: () => undefined,
    };
    const res = await client({ simulation: failing }).http.get('/metrics').expect(500);
    expect(res.body).toEqual({ error: 'Internal Server Error', message: 'Internal Server Error' });
    const [span] = spans.getFinishedSpans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['http.response.status_code']).toBe(500);
    expect(span!.events.map((e) => e.name)).toEqual(['exception']);
    expect(span!.events[0]!.attributes?.['exception.message']).toBe('simulation exploded');
  });

  it('does not trace probes', async () => {
    await client().http.get('/healthz').expect(200);
    expect(spans.getFinishedSpans()).toHaveLength(0);
  });
});

const CLASSIC = 'text/plain; version=0.0.4; charset=utf-8';

describe('server metrics', () => {
  it('observes each request with route, method, status and a trace-id exemplar', async () => {
    const { http, metrics } = client();
    await http.get('/metrics/checkout').set('traceparent', `00-${TRACE_ID}-${PARENT_ID}-01`);
    await http.get('/metrics/nope');
    const text = await render(metrics.registry, 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(text).toMatch(/http_server_request_duration_seconds_count\{http_request_method="GET",http_route="\/metrics\/:appname",http_response_status_code="200"\} 1/);
    expect(text).toMatch(/http_server_request_duration_seconds_count\{http_request_method="GET",http_route="\/metrics\/:appname",http_response_status_code="404"\} 1/);
    expect(text).toContain(`trace_id="${TRACE_ID}"`);
  });

  it('labels random paths, app names and methods with route templates only', async () => {
    // The 10,000-request version runs once, against the real metrics ports: test/system/bounded-series.test.ts.
    const { http, metrics } = client();
    const randomName = () => Math.random().toString(36).slice(2);
    for (let i = 0; i < 60; i++) {
      const path = [`/${randomName()}/${randomName()}`, `/metrics/${randomName()}`, `/metrics/${randomName()}!`][i % 3]!;
      await (i % 10 === 0 ? http.post(path) : http.get(path));
    }
    const text = await render(metrics.registry, CLASSIC);
    const labelSets = new Set([...text.matchAll(/^http_server_request_duration_seconds_count\{([^}]*)\}/gm)].map((m) => m[1]));
    expect([...labelSets].sort()).toEqual([
      'http_request_method="GET",http_route="/metrics/:appname",http_response_status_code="400"',
      'http_request_method="GET",http_route="/metrics/:appname",http_response_status_code="404"',
      'http_request_method="GET",http_route="unmatched",http_response_status_code="404"',
      'http_request_method="POST",http_route="unmatched",http_response_status_code="405"',
    ]);
  });
});

describe('trace-linked logs', () => {
  it('puts trace_id and span_id on every line logged inside a request', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logger = createLogger({ name: 'test', level: 'info', destination });
    await client({ logger }).http.get('/metrics').set('traceparent', `00-${TRACE_ID}-${PARENT_ID}-01`).expect(200);
    const access = lines.find((line) => line.msg === 'request');
    expect(access).toMatchObject({ trace_id: TRACE_ID, span_id: spans.getFinishedSpans()[0]!.spanContext().spanId, route: '/metrics' });
  });

  it("puts the request span's trace_id and span_id on the 5xx error line", async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const logger = createLogger({ name: 'test', level: 'info', destination });
    const failing = {
      apps: [],
      sample: () => {
        throw new Error('simulation exploded');
      },
      latest: () => undefined,
    };
    await client({ logger, simulation: failing }).http.get('/metrics').set('traceparent', `00-${TRACE_ID}-${PARENT_ID}-01`).expect(500);
    const failure = lines.find((line) => line.msg === 'request failed');
    expect(failure).toMatchObject({ level: 'error', status: 500, err: { message: 'simulation exploded' } });
    expect(failure).toMatchObject({ trace_id: TRACE_ID, span_id: spans.getFinishedSpans()[0]!.spanContext().spanId });
  });
});

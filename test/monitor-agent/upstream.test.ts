import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createUpstreamClient, UpstreamError, type UpstreamFailure } from '../../src/monitor-agent/upstream.js';
import { APPS, ORIGINAL_BODY, SAMPLE, startServer } from '../helpers/fixtures.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function upstreamServing(respond: (res: ServerResponse, path: string) => void, timeoutMs = 500) {
  const server = await startServer((req, res) => respond(res, req.url ?? ''));
  const client = createUpstreamClient({ baseUrl: server.url, timeoutMs });
  cleanups.push(server.close, client.close);
  return client;
}

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

const json =
  (body: string, status = 200) =>
  (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  };

describe('upstream client', () => {
  it('reads and validates one sample from <base>/metrics', async () => {
    let seenPath = '';
    const client = await upstreamServing((res, path) => {
      seenPath = path;
      json(JSON.stringify(SAMPLE))(res);
    });
    expect(await client.fetchMetric()).toEqual(SAMPLE);
    expect(seenPath).toBe('/metrics');
  });

  it('reads the original Go monitor-test\'s pretty-printed, six-value sample with host ""', async () => {
    const client = await upstreamServing((res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(ORIGINAL_BODY);
    });
    const sample = await client.fetchMetric();
    expect(sample.host).toBe('');
    expect(sample.performance_index.maxLatency).toBeUndefined();
    expect(sample.performance_index.avgLatency).toBe(25);
  });

  it('reads one app at <base>/metrics/<app>, and turns its 404 into unknown_app (404)', async () => {
    const paths: string[] = [];
    const client = await upstreamServing((res, path) => {
      paths.push(path);
      if (path === '/metrics/nope') json('{"error":"Not Found","message":"no app named nope"}', 404)(res);
      else json(JSON.stringify({ ...SAMPLE, app_name: 'checkout' }))(res);
    });
    expect((await client.fetchMetric({}, 'checkout')).app_name).toBe('checkout');
    const error = await failureOf(client.fetchMetric({}, 'nope'));
    expect([error.kind, error.status, error.message]).toEqual(['unknown_app', 404, 'monitor-test has no app named nope']);
    expect(paths).toEqual(['/metrics/checkout', '/metrics/nope']);
  });

  it('lists the apps from <base>/apps; a server without that route is a 502', async () => {
    const client = await upstreamServing((res, path) => (path === '/apps' ? json(JSON.stringify({ apps: APPS, extra: 1 }))(res) : json('{}', 404)(res)));
    expect(await client.fetchApps()).toEqual(APPS);
    const original = await upstreamServing((res) => json('"404 page not found"', 404)(res));
    expect((await failureOf(original.fetchApps())).status).toBe(502);
  });

  it('keeps a path prefix of UPSTREAM_URL', async () => {
    let seenPath = '';
    const server = await startServer((req, res) => {
      seenPath = req.url ?? '';
      json(JSON.stringify(SAMPLE))(res);
    });
    const client = createUpstreamClient({ baseUrl: new URL('/monitor/', server.url), timeoutMs: 500 });
    cleanups.push(server.close, client.close);
    await client.fetchMetric();
    expect(seenPath).toBe('/monitor/metrics');
  });

  it('forwards the headers it is given', async () => {
    let seen: Record<string, unknown> = {};
    const server = await startServer((req, res) => {
      seen = req.headers;
      json(JSON.stringify(SAMPLE))(res);
    });
    const client = createUpstreamClient({ baseUrl: server.url, timeoutMs: 500 });
    cleanups.push(server.close, client.close);
    await client.fetchMetric({ 'x-request-id': 'abc' });
    expect(seen['x-request-id']).toBe('abc');
    expect(seen.accept).toBe('application/json');
  });

  it.each<[string, (res: ServerResponse) => void, UpstreamFailure, number]>([
    ['a 500', json('{"error":"boom"}', 500), 'http_status', 502],
    ['a 404', json('{}', 404), 'http_status', 502],
    ['invalid JSON', json('{"performance_index":'), 'malformed_body', 502],
    ['JSON of the wrong shape', json('{"hello":"world"}'), 'malformed_body', 502],
    ['out-of-range numbers', json(JSON.stringify({ ...SAMPLE, performance_index: { ...SAMPLE.performance_index, failRatio: 7 } })), 'malformed_body', 502],
    [
      'a 10 MB body',
      (res) => {
        res.writeHead(200);
        res.end('x'.repeat(10 * 1024 * 1024));
      },
      'body_too_large',
      502,
    ],
  ])('turns %s into an UpstreamError', async (_label, respond, kind, status) => {
    const client = await upstreamServing(respond);
    const error = await failureOf(client.fetchMetric());
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
  });

  it('times out a silent upstream with 504, not before the deadline', async () => {
    const client = await upstreamServing(() => {
      /* never answers */
    }, 200);
    const start = performance.now();
    const error = await failureOf(client.fetchMetric());
    expect(error.kind).toBe('timeout');
    expect(error.status).toBe(504);
    expect(performance.now() - start).toBeGreaterThanOrEqual(190);
    // The upper bound only says it did not wait for the silent upstream; a shared 2-core VM may
    // deschedule the timer for a while, so it is loose.
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('times out an upstream that stalls mid-body', async () => {
    const client = await upstreamServing((res) => {
      res.writeHead(200);
      res.write('{"performance_index":');
    }, 200);
    expect((await failureOf(client.fetchMetric())).kind).toBe('timeout');
  });

  it('reports a refused connection', async () => {
    const server = await startServer(() => {});
    await server.close();
    const client = createUpstreamClient({ baseUrl: server.url, timeoutMs: 500 });
    cleanups.push(client.close);
    expect((await failureOf(client.fetchMetric())).kind).toBe('connection_refused');
  });

  it('reports a name that does not resolve', async () => {
    // .invalid never resolves (RFC 2606); the resolver answers at once, even offline.
    const client = createUpstreamClient({ baseUrl: new URL('http://k8s-app-monitor-test.invalid:3000'), timeoutMs: 2000 });
    cleanups.push(client.close);
    const error = await failureOf(client.fetchMetric());
    expect(error.kind).toBe('dns');
  });

  it('recovers when the upstream comes back', async () => {
    let healthy = false;
    const client = await upstreamServing((res) => (healthy ? json(JSON.stringify(SAMPLE))(res) : json('{}', 503)(res)));
    expect((await failureOf(client.fetchMetric())).kind).toBe('http_status');
    healthy = true;
    expect(await client.fetchMetric()).toEqual(SAMPLE);
  });
});

/**
 * Property-based tests over the HTTP surface of both services (fast-check): random methods,
 * paths (unicode, percent-encoded, oversized app names), query strings and header values,
 * malformed trace headers. No request may produce a 5xx or crash the server, and every 4xx
 * must be a JSON error.
 */
import { request as httpRequest, type OutgoingHttpHeaders, type RequestListener } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp as createAgent } from '../../../src/monitor-agent/app.js';
import { createUpstreamClient } from '../../../src/monitor-agent/upstream.js';
import { createApp as createTest } from '../../../src/monitor-test/app.js';
import { listen } from '../../../src/shared/server.js';
import { monitorAgentFixture, monitorTestFixture, SAMPLE, startServer } from '../../helpers/fixtures.js';

interface Answer {
  status: number;
  type: string;
  body: string;
}

function send(port: number, method: string, path: string, headers: OutgoingHttpHeaders, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends a request's headers and none of its announced body, and reads the answer. */
function sendHeadersOnly(port: number, path: string, headers: OutgoingHttpHeaders): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'GET', path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: text }));
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

// Mostly reads, which reach the routes; the rest must all be refused cleanly.
const method = fc.oneof(
  { arbitrary: fc.constant('GET'), weight: 6 },
  { arbitrary: fc.constantFrom('HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'M-SEARCH', 'FOO'), weight: 3 },
);
const KNOWN_SEGMENTS = [
  'metrics',
  'k8s-app-monitor-agent',
  'k8s-app-monitor-test',
  'api',
  'assets',
  'vendor',
  'plotly.js',
  'servicegraph',
  'graph',
  'dotgraph',
  'openapi.json',
  'api.html',
  'healthz',
  'readyz',
  'test-app',
  '..',
  '.',
  '',
];
const visibleAscii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 200 });

const segment = fc.oneof(
  fc.constantFrom(...KNOWN_SEGMENTS),
  fc.string({ unit: 'grapheme', maxLength: 80 }).map(encodeURIComponent),
  fc.string({ minLength: 60, maxLength: 400 }).map(encodeURIComponent), // oversized app names
  fc.stringMatching(/^[A-Za-z0-9_.%-]{1,20}$/), // raw, possibly broken percent-encoding
);
const path = fc
  .tuple(fc.array(segment, { maxLength: 5 }), fc.option(fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 30 }), { maxKeys: 3 })))
  .map(([segments, query]) => `/${segments.join('/')}${query ? `?${new URLSearchParams(query)}` : ''}`);
const traceHeaders = fc.record(
  {
    traceparent: fc.oneof(visibleAscii, fc.constant('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), fc.constant(`00-${'0'.repeat(32)}-${'0'.repeat(16)}-01`), fc.constant('ff-zz-yy-xx')),
    tracestate: visibleAscii,
    b3: visibleAscii,
    'x-b3-traceid': fc.oneof(visibleAscii, fc.stringMatching(/^[0-9a-f]{1,40}$/)),
    'x-b3-spanid': fc.oneof(visibleAscii, fc.stringMatching(/^[0-9a-f]{1,20}$/)),
    'x-b3-sampled': fc.constantFrom('0', '1', 'true', 'd', '', 'yes'),
    baggage: visibleAscii,
    'x-request-id': visibleAscii,
    accept: fc.constantFrom('*/*', 'application/json', 'text/html', '', 'application/openmetrics-text'),
    'accept-encoding': fc.constantFrom('br', 'gzip', 'identity', 'br;q=0, gzip;q=0', '*', 'nonsense'),
    'if-none-match': visibleAscii,
    'x-random': visibleAscii,
  },
  { requiredKeys: [] },
);

async function checkSurface(port: number, runs: number) {
  await fc.assert(
    fc.asyncProperty(method, path, traceHeaders, async (verb, target, headers) => {
      const answer = await send(port, verb, target, headers);
      expect(answer.status, `${verb} ${target}`).toBeLessThan(500);
      if (answer.status >= 400 && verb !== 'HEAD') {
        expect(answer.type, `${verb} ${target} ${answer.status}`).toMatch(/^application\/json/);
        const body = JSON.parse(answer.body) as { error: unknown; message: unknown };
        expect(typeof body.error).toBe('string');
        expect(typeof body.message).toBe('string');
      }
    }),
    { numRuns: runs },
  );
  // Still alive and well.
  expect((await send(port, 'GET', '/healthz', {})).status).toBe(200);
}

describe('hostile input', () => {
  const closers: (() => unknown)[] = [];
  let testPort: number;
  let agentPort: number;

  beforeAll(async () => {
    const test = monitorTestFixture();
    const listening = await listen(createTest(test.config, test.deps).callback() as RequestListener, 0, '127.0.0.1', test.config.httpTimeouts);
    testPort = listening.port;
    closers.push(() => listening.server.close());

    const upstream = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(SAMPLE)));
    const prometheus = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":{"resultType":"vector","result":[]}}'));
    const agent = monitorAgentFixture(undefined, { UPSTREAM_URL: upstream.url.href, PROMETHEUS_URL: prometheus.url.href });
    const client = createUpstreamClient({ baseUrl: agent.config.upstreamUrl, timeoutMs: 1000 });
    const agentListening = await listen(createAgent(agent.config, { ...agent.deps, upstream: client }).callback() as RequestListener, 0, '127.0.0.1', agent.config.httpTimeouts);
    agentPort = agentListening.port;
    closers.push(upstream.close, prometheus.close, client.close, () => agentListening.server.close());
  });
  afterAll(() => {
    for (const close of closers) close();
  });

  it('monitor-test: random requests never produce a 5xx, and every 4xx is JSON', () => checkSurface(testPort, 2000), 60_000);

  it('monitor-agent: random requests never produce a 5xx, and every 4xx is JSON', () => checkSurface(agentPort, 2000), 60_000);

  it.each(['test', 'agent'] as const)('%s: refuses huge headers with 431 JSON and a request body with 413, and stays up', async (which) => {
    const port = which === 'test' ? testPort : agentPort;
    const huge = await send(port, 'GET', '/healthz', { 'x-huge': 'x'.repeat(64 * 1024) });
    expect(huge).toEqual({ status: 431, type: 'application/json', body: '{"error":"Request Header Fields Too Large","message":"request headers are too large"}' });
    // Only the headers announce a 10 MB body: the 413 must come without the server reading any of it.
    const withBody = await sendHeadersOnly(port, which === 'test' ? '/metrics' : '/api/metrics', { 'content-length': String(10 * 1024 * 1024) });
    expect(withBody.status).toBe(413);
    expect(JSON.parse(withBody.body)).toEqual({ error: 'Payload Too Large', message: 'request bodies are not accepted' });
    const post = await send(port, 'POST', '/metrics', { 'content-type': 'application/json' }, Buffer.from('{}'));
    expect(post.status).toBe(405);
    expect((await send(port, 'GET', '/healthz', {})).status).toBe(200);
  });
});

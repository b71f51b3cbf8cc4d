import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createApp } from '../../src/monitor-agent/app.js';
import { UpstreamError, type UpstreamClient } from '../../src/monitor-agent/upstream.js';
import { distPublic, monitorAgentFixture, rawGet, SAMPLE, startServer } from '../helpers/fixtures.js';

function client(fetchMetric?: UpstreamClient['fetchMetric']) {
  const { config, deps } = monitorAgentFixture(fetchMetric);
  return request(createApp(config, deps).callback());
}

describe('monitor-agent routes', () => {
  it.each(['/', '/k8s-app-monitor-agent/', '/k8s-app-monitor-test/'])('serves the chart page at %s', async (path) => {
    const page = await client()
      .get(path)
      .expect(200)
      .expect('Content-Type', /text\/html/);
    expect(page.text).toContain('<div id="chart"');
    // Every URL in the page is relative, so it works behind an Ingress path prefix.
    const urls = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(urls).toContain('assets/vendor/plotly.js');
    for (const url of urls) expect(url).not.toMatch(/^(\/|[a-z]+:)/);
  });

  it.each(['/k8s-app-monitor-agent', '/k8s-app-monitor-test'])('redirects %s to its slash form with a relative Location', async (path) => {
    const res = await client().get(`${path}?x=1`).expect(308);
    expect(res.headers.location).toBe(`${path.slice(1)}/?x=1`);
    expect(new URL(res.headers.location!, `http://h/prefix${path}`).pathname).toBe(`/prefix${path}/`);
  });

  it.each(['/api/metrics', '/k8s-app-monitor-agent/api/metrics', '/k8s-app-monitor-test/api/metrics'])('proxies one sample at %s', async (path) => {
    let calls = 0;
    const res = await client(async () => {
      calls++;
      return SAMPLE;
    })
      .get(path)
      .expect(200)
      .expect('Content-Type', /json/);
    expect(res.body).toEqual(SAMPLE);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(calls).toBe(1);
  });

  it.each([
    [new UpstreamError('connection_refused', 'the metrics service refused the connection'), 502],
    [new UpstreamError('dns', 'the metrics service name does not resolve'), 502],
    [new UpstreamError('http_status', 'the metrics service answered 500', 500), 502],
    [new UpstreamError('malformed_body', 'the metrics service sent invalid JSON'), 502],
    [new UpstreamError('timeout', 'the metrics service did not answer within 2000 ms'), 504],
  ])('answers an upstream failure (%s) with %i JSON', async (error, status) => {
    const res = await client(async () => {
      throw error;
    })
      .get('/api/metrics')
      .expect(status)
      .expect('Content-Type', /json/);
    expect(res.body).toEqual({ error: status === 504 ? 'Gateway Timeout' : 'Bad Gateway', message: error.message });
  });

  it('hides the details of an unexpected failure', async () => {
    const res = await client(async () => {
      throw new Error('secret /etc/path at line 3');
    })
      .get('/api/metrics')
      .expect(500);
    expect(res.body).toEqual({ error: 'Internal Server Error', message: 'Internal Server Error' });
  });

  it('serves the Plotly bundle compressed, cacheable and revalidatable', async () => {
    const { config, deps } = monitorAgentFixture();
    const server = await startServer(createApp(config, deps).callback());
    try {
      const original = readFileSync(`${distPublic('monitor-agent')}vendor/plotly.js`);
      const url = new URL('/k8s-app-monitor-agent/assets/vendor/plotly.js', server.url);
      const br = await rawGet(url, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.status).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers['cache-control']).toBe('public, max-age=86400');
      expect(br.headers.vary).toMatch(/Accept-Encoding/);
      // Read from disk past Koa's body handling: the headers the middleware set still go out.
      expect(br.headers['x-content-type-options']).toBe('nosniff');
      expect(br.body.length).toBeLessThan(original.length / 4);
      expect(brotliDecompressSync(br.body).equals(original)).toBe(true);
      expect(Number(br.headers['content-length'])).toBe(br.body.length);

      const gz = await rawGet(url, { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.body).equals(original)).toBe(true);
      expect(Number(gz.headers['content-length'])).toBe(gz.body.length);

      const plain = await rawGet(url, { 'accept-encoding': 'identity' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.equals(original)).toBe(true);
      expect(Number(plain.headers['content-length'])).toBe(original.length);

      // The validator is the digest of every byte of the file, read in chunks at start-up.
      expect(br.headers.etag).toBe(`W/"${createHash('sha256').update(original).digest('base64url').slice(0, 27)}"`);
      expect(plain.headers.etag).toBe(br.headers.etag);
      const revalidated = await rawGet(url, { 'if-none-match': br.headers.etag! });
      expect(revalidated.status).toBe(304);
      expect(revalidated.body.length).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('serves the page script and style, and 404 JSON for unknown assets', async () => {
    const http = client();
    await http
      .get('/assets/chart.js')
      .expect(200)
      .expect('Content-Type', /javascript/);
    await http.get('/k8s-app-monitor-test/assets/chart.css').expect(200).expect('Content-Type', /css/);
    const missing = await http.get('/assets/nope.js').expect(404);
    expect(missing.body).toEqual({ error: 'Not Found', message: 'no such asset' });
    await http.get('/assets/..%2Fpackage.json').expect(404);
  });

  it('answers probes without calling the upstream', async () => {
    const http = client(async () => {
      throw new Error('must not be called');
    });
    await http.get('/readyz').expect(200);
    await http.get('/healthz').expect(200);
  });
});

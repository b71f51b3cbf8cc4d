import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/monitor-test/app.js';
import { monitorTestFixture, validateResponse } from '../helpers/fixtures.js';

function client() {
  const { config, deps } = monitorTestFixture();
  return { http: request(createApp(config, deps).callback()), deps };
}

describe('monitor-test routes', () => {
  it('GET /metrics returns a fresh sample of the first app in the seed shape', async () => {
    const { http } = client();
    const first = await http
      .get('/metrics')
      .expect(200)
      .expect('Content-Type', /application\/json/);
    expect(Object.keys(first.body)).toEqual(['performance_index', 'host', 'app_name', 'domain']);
    expect(Object.keys(first.body.performance_index)).toEqual(['failRatio', 'failAmount', 'accessAmount', 'maxConcurrent', 'maxLatency', 'minLatency', 'avgLatency']);
    expect(first.body).toMatchObject({ host: 'replica-1', app_name: 'test-app', domain: 'test-domain' });
    expect(validateResponse('/metrics', 200, first.body)).toEqual([]);
    const second = await http.get('/metrics').expect(200);
    expect(second.body.performance_index).not.toEqual(first.body.performance_index);
    expect(first.headers['cache-control']).toBe('no-store');
  });

  it('validates 100 consecutive responses against the OpenAPI document and the coherence rules', async () => {
    const { http } = client();
    for (let i = 0; i < 100; i++) {
      const { body } = await http.get(i % 2 ? '/metrics' : '/metrics/checkout').expect(200);
      expect(validateResponse(i % 2 ? '/metrics' : '/metrics/{appname}', 200, body)).toEqual([]);
      const p = body.performance_index;
      expect(p.failRatio).toBe(p.accessAmount === 0 ? 0 : p.failAmount / p.accessAmount);
      expect(p.minLatency).toBeLessThanOrEqual(p.avgLatency);
      expect(p.avgLatency).toBeLessThanOrEqual(p.maxLatency);
    }
  });

  it('GET /metrics/{appname} returns that app', async () => {
    const { body } = await client().http.get('/metrics/checkout').expect(200);
    expect(body).toMatchObject({ app_name: 'checkout', domain: 'shop', host: 'replica-1' });
  });

  it('answers an unknown app with 404 JSON', async () => {
    const { body } = await client().http.get('/metrics/unknown-app').expect(404).expect('Content-Type', /json/);
    expect(body).toEqual({ error: 'Not Found', message: 'no app named unknown-app' });
    expect(validateResponse('/metrics/{appname}', 404, body)).toEqual([]);
  });

  it.each([
    ['/metrics/', 'empty'],
    [`/metrics/${'a'.repeat(65)}`, 'too long'],
    ['/metrics/bad%20name', 'a space'],
    ['/metrics/%3Cscript%3E', 'markup'],
    ['/metrics/%C3%A9t%C3%A9', 'non-ASCII'],
    ['/metrics/%ZZ', 'broken percent-encoding'],
    ['/metrics/%2E%2E', 'a dot segment'],
    ['/metrics/...', 'dots only'],
  ])('answers a malformed app name (%s, %s) with 400 JSON', async (path) => {
    const { body } = await client().http.get(path).expect(400).expect('Content-Type', /json/);
    expect(body.error).toBe('Bad Request');
    expect(body.message).toMatch(/app name/);
    expect(validateResponse('/metrics/{appname}', 400, body)).toEqual([]);
  });

  it('accepts a name of exactly 64 allowed characters (then 404: not configured)', async () => {
    await client()
      .http.get(`/metrics/${'a'.repeat(64)}`)
      .expect(404);
  });

  it('answers unknown routes with 404 JSON and other methods with 405', async () => {
    const { http } = client();
    expect((await http.get('/nope').expect(404)).body).toEqual({ error: 'Not Found', message: 'no route for GET /nope' });
    const wrong = await http.post('/metrics').expect(405);
    expect(wrong.headers.allow).toBe('GET, HEAD');
    expect(wrong.body.error).toBe('Method Not Allowed');
    await http.delete('/metrics/test-app').expect(405);
  });

  it('lists every configured app at /apps, in configuration order, as the OpenAPI document says', async () => {
    const { http } = client();
    const res = await http.get('/apps').expect(200).expect('Content-Type', /json/);
    expect(res.body).toEqual({
      apps: [
        { name: 'test-app', domain: 'test-domain' },
        { name: 'checkout', domain: 'shop' },
      ],
    });
    expect(validateResponse('/apps', 200, res.body)).toEqual([]);
    expect(validateResponse('/apps', 200, { apps: [{ name: 'x' }] })).not.toEqual([]);
  });

  it('serves the OpenAPI document and a self-contained API page', async () => {
    const { http } = client();
    const doc = await http.get('/openapi.json').expect(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(['/metrics', '/apps', '/metrics/{appname}', '/version']);
    const page = await http
      .get('/api.html')
      .expect(200)
      .expect('Content-Type', /text\/html/);
    expect(page.text).toContain('<code>/metrics/{appname}</code>');
    expect(page.text).toContain('<code>/apps</code>');
    expect(page.text).toContain('href="api.css"');
    // All assets local: no absolute URL is loaded by the page.
    expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    await http
      .get('/api.css')
      .expect(200)
      .expect('Content-Type', /text\/css/);
  });

  it('answers probes, and readiness fails once shutdown begins', async () => {
    const { http, deps } = client();
    expect((await http.get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
    await http.get('/readyz').expect(200);
    deps.readiness.markShuttingDown();
    expect((await http.get('/readyz').expect(503)).body).toEqual({ status: 'shutting down' });
    await http.get('/healthz').expect(200);
  });

  it.each(['/healthz', '/readyz'])('answers %s to GET and HEAD only: any other method gets 405 JSON', async (path) => {
    const { http } = client();
    await http.head(path).expect(200);
    for (const method of ['post', 'put', 'delete', 'patch'] as const) {
      const res = await http[method](path).send({ probe: true }).expect(405);
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(res.body).toEqual({ error: 'Method Not Allowed', message: `method ${method.toUpperCase()} is not allowed; use GET` });
    }
  });
});

import Router from '@koa/router';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/shared/logger.js';
import { buildKoaApp } from '../../../src/shared/http/koa-app.js';
import { readVersionInfo } from '../../../src/shared/version-info.js';
import { Readiness } from '../../../src/shared/http/probes.js';
import { API_CONTENT_SECURITY_POLICY } from '../../../src/shared/http/security-headers.js';
import { createServiceMetrics } from '../../../src/shared/telemetry/metrics.js';

/** An app whose one route sets response headers, then fails. */
function failingAfterHeaders(error: Error & { status?: number; expose?: boolean; headers?: Record<string, string> }) {
  const router = new Router();
  router.get('/cached', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.set('ETag', 'W/"abc"');
    ctx.set('Content-Encoding', 'br');
    ctx.set('X-Partial', 'yes');
    ctx.vary('Accept');
    throw error;
  });
  return request(buildKoaApp({ logger: silentLogger(), readiness: new Readiness(), router, metrics: createServiceMetrics(), version: readVersionInfo('test', {}), accessLog: true }).callback());
}

describe('error responses', () => {
  it.each([
    ['a 5xx', Object.assign(new Error('boom'), {}), 500, 'Internal Server Error'],
    ['a 4xx with headers of its own', Object.assign(new Error('not today'), { status: 429, expose: true, headers: { 'Retry-After': '5' } }), 429, 'not today'],
  ])("drop the headers set before %s, keep the security headers, Vary and the error's own, and are never stored", async (_what, error, status, message) => {
    const res = await failingAfterHeaders(error).get('/cached').expect(status);
    expect(res.body).toEqual({ error: status === 500 ? 'Internal Server Error' : 'Too Many Requests', message });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    for (const name of ['etag', 'content-encoding', 'x-partial']) expect(res.headers[name], name).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.vary).toBe('Accept');
    expect(res.headers['content-security-policy']).toBe(API_CONTENT_SECURITY_POLICY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['retry-after']).toBe(status === 429 ? '5' : undefined);
  });
});

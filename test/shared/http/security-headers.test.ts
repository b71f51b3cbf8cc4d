import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp as createAgent } from '../../../src/monitor-agent/app.js';
import { createApp as createTest } from '../../../src/monitor-test/app.js';
import { API_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY, PLOTLY_STYLE_HASHES } from '../../../src/shared/http/security-headers.js';
import { monitorAgentFixture, monitorTestFixture } from '../../helpers/fixtures.js';

const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));

describe('security headers', () => {
  it('allow scripts from self only, no inline or eval, and forbid framing, plugins and <base>', () => {
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(directives['default-src']).toEqual(["'none'"]);
  });

  it('allow exactly the inline styles the installed Plotly injects, by hash', () => {
    const bundle = readFileSync(createRequire(import.meta.url).resolve('plotly.js-dist'), 'utf8');
    const maplibreCss = /maplibre-gl\.css[\s\S]*?textContent = `([^`]*)`/.exec(bundle)?.[1];
    expect(maplibreCss, 'plotly.js-dist no longer injects maplibre-gl.css this way: revisit PLOTLY_STYLE_HASHES').toMatch(/\.maplibregl-[\w-]+\s*\{/);
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(PLOTLY_STYLE_HASHES).toEqual([hash(''), hash(maplibreCss!)]);
    expect(directives['style-src']).toEqual(["'self'", ...PLOTLY_STYLE_HASHES]);
  });

  const agent = () => {
    const { config, deps } = monitorAgentFixture();
    return request(createAgent(config, deps).callback());
  };
  const test = () => {
    const { config, deps } = monitorTestFixture();
    return request(createTest(config, deps).callback());
  };
  // A cache updates a stored page's headers from its 304, so the 304 must carry the page's policy.
  const revalidated = async (path: string) => {
    const { headers } = await agent().get(path);
    const res = await agent().get(path).set('If-None-Match', headers.etag!);
    expect(res.status).toBe(304);
    return res;
  };
  const pages = [
    ['agent page', () => agent().get('/k8s-app-monitor-agent/')],
    ['agent page, revalidated (304)', () => revalidated('/k8s-app-monitor-agent/')],
    ['service graph page', () => agent().get('/k8s-app-monitor-agent/servicegraph')],
    ['test API page', () => test().get('/api.html')],
  ] as const;
  const others = [
    ['agent data', () => agent().get('/api/metrics')],
    ['agent chart SVG', () => agent().get('/k8s-app-monitor-agent/chart.svg')],
    ['agent script', () => agent().get('/k8s-app-monitor-agent/assets/chart.js')],
    ['agent 404', () => agent().get('/nope')],
    ['test JSON', () => test().get('/metrics')],
    ['test 405', () => test().post('/metrics')],
    ['probe', () => test().get('/healthz')],
  ] as const;
  const expectSafeHeaders = (res: request.Response, policy: string) => {
    expect(res.headers['content-security-policy']).toBe(policy);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
  };
  it.each(pages)("are on every response, a page's policy on pages: %s", async (_name, send) => {
    const res = await send();
    // A 304 has no Content-Type; the page it revalidates is HTML.
    if (res.status !== 304) expect(res.headers['content-type']).toMatch(/^text\/html/);
    expectSafeHeaders(res, CONTENT_SECURITY_POLICY);
  });
  it.each(others)('are on every response, the strict policy elsewhere: %s', async (_name, send) => {
    expectSafeHeaders(await send(), API_CONTENT_SECURITY_POLICY);
  });

  it('let nothing load or frame a response that is not a page', () => {
    expect(API_CONTENT_SECURITY_POLICY).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});

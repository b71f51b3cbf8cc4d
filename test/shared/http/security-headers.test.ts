import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp as createAgent } from '../../../src/monitor-agent/app.js';
import { createApp as createTest } from '../../../src/monitor-test/app.js';
import { CONTENT_SECURITY_POLICY, PLOTLY_STYLE_HASHES } from '../../../src/shared/http/security-headers.js';
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
  it.each([
    ['agent page', () => agent().get('/k8s-app-monitor-agent/')],
    ['agent data', () => agent().get('/api/metrics')],
    ['agent 404', () => agent().get('/nope')],
    ['test API page', () => test().get('/api.html')],
    ['test JSON', () => test().get('/metrics')],
    ['test 405', () => test().post('/metrics')],
    ['probe', () => test().get('/healthz')],
  ])('are on every response: %s', async (_name, send) => {
    const res = await send();
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});

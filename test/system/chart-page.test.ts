/// <reference lib="dom" />
/**
 * The chart page in Debian's Chromium against both real services: rendering at every path and
 * behind a prefix, fresh data, the error state and recovery, a clean console under the strict
 * CSP, and hostile upstream data that must stay text.
 */
import { mkdirSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchBrowser } from './browser.js';
import { startFakeUpstream, startMonitorAgent, startMonitorTest, stopAll, type RunningService } from '../helpers/processes.js';

const BAR_COUNT = 7;

/** A prefix-stripping reverse proxy, as an Ingress with a rewrite would be: /prefix/x → /x. */
async function prefixProxy(prefix: string, target: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (!req.url?.startsWith(`${prefix}/`)) return void res.writeHead(404).end();
    const upstream = httpRequest(`${target}${req.url.slice(prefix.length)}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.skipIf(!browserAvailable())('the chart page in a real browser', () => {
  let browser: Browser;
  let test: RunningService;
  let agent: RunningService;

  beforeAll(async () => {
    test = await startMonitorTest();
    // Spans go to a closed port; what matters here is that requests are sampled and linked.
    agent = await startMonitorAgent(test.port, {
      ZIPKIN_UI_URL: 'http://zipkin.example:9411',
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://127.0.0.1:9/api/v2/spans',
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stopAll();
  });

  /** A page that records console errors, page errors, CSP violations and every request path. */
  async function open(url: string, ready = '#chart[data-state="ok"] .main-svg') {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('dialog', (dialog) => {
      errors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    await page.goto(url);
    if (ready) await page.waitForSelector(ready, { timeout: 15_000 });
    return { page, errors, requests };
  }

  const barValues = (page: Page) => page.$$eval('#chart .bartext', (nodes) => nodes.map((n) => n.textContent));

  it.each([
    ['/k8s-app-monitor-agent', '/k8s-app-monitor-agent/'],
    ['/', '/'],
    ['/k8s-app-monitor-test', '/k8s-app-monitor-test/'],
  ])('renders one bar per performance value at %s, titled app, domain and host, with a clean console', async (path, base) => {
    const { page, errors, requests } = await open(`${agent.url}${path}`);
    try {
      expect(await page.locator('#chart .trace.bars .point').count()).toBe(BAR_COUNT);
      expect(await page.locator('#chart .gtitle').textContent()).toBe('test-app,test-domain,system-test-host');
      // Plotly and the data came through URLs relative to the page's own path.
      expect(requests).toContain(`${base}assets/vendor/plotly.js`);
      expect(requests).toContain(`${base}api/metrics`);
      expect(errors).toEqual([]);
      const link = page.locator('#trace-link');
      expect(await link.textContent()).toBe("view this request's trace");
      expect(await link.getAttribute('href')).toMatch(/^http:\/\/zipkin\.example:9411\/zipkin\/traces\/[0-9a-f]{32}$/);
      expect(await link.isVisible()).toBe(true);
      if (path === '/k8s-app-monitor-agent') {
        mkdirSync('test-results', { recursive: true });
        await page.screenshot({ path: 'test-results/chart.png' });
      }
    } finally {
      await page.close();
    }
  });

  it("keeps every history panel's title clear of Plotly's mode bar", async () => {
    const { page } = await open(`${agent.url}/`);
    try {
      await page.waitForSelector('#history .annotation-text');
      await page.hover('#history');
      const box = (locator: ReturnType<Page['locator']>) => locator.boundingBox().then((b) => b!);
      const modebar = await box(page.locator('#history .modebar'));
      const titles = page.locator('#history .annotation-text');
      expect(await titles.count()).toBe(4);
      for (let i = 0; i < 4; i++) {
        const title = await box(titles.nth(i));
        const overlaps = title.x < modebar.x + modebar.width && modebar.x < title.x + title.width && title.y < modebar.y + modebar.height && modebar.y < title.y + title.height;
        expect(overlaps, (await titles.nth(i).textContent()) ?? `title ${i}`).toBe(false);
      }
    } finally {
      await page.close();
    }
  });

  it('shows a fresh sample on every load', async () => {
    const { page } = await open(`${agent.url}/`);
    try {
      const before = await barValues(page);
      await page.reload();
      await page.waitForSelector('#chart[data-state="ok"] .main-svg');
      expect(await barValues(page)).toHaveLength(BAR_COUNT);
      expect(await barValues(page)).not.toEqual(before);
    } finally {
      await page.close();
    }
  });

  it('works behind a prefix-stripping proxy, as behind an Ingress rewrite', async () => {
    const proxy = await prefixProxy('/monitoring', agent.url);
    try {
      const { page, errors, requests } = await open(`${proxy.url}/monitoring/k8s-app-monitor-agent`);
      expect(new URL(page.url()).pathname).toBe('/monitoring/k8s-app-monitor-agent/');
      expect(await page.locator('#chart .trace.bars .point').count()).toBe(BAR_COUNT);
      expect(requests).toContain('/monitoring/k8s-app-monitor-agent/assets/vendor/plotly.js');
      expect(requests).toContain('/monitoring/k8s-app-monitor-agent/api/metrics');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      proxy.server.close();
    }
  });

  it.each(['/servicegraph', '/k8s-app-monitor-agent/servicegraph'])('keeps the console clean on the service graph page %s (503 without Prometheus)', async (path) => {
    const { page, errors } = await open(`${agent.url}${path}`, '#graph[data-state="error"]');
    expect(await page.locator('#status').textContent()).toBe('No graph (503: the service graph needs PROMETHEUS_URL).');
    // The page's own fetch answered 503: that one console line is expected, nothing else.
    expect(errors.filter((e) => !e.includes('status of 503'))).toEqual([]);
    await page.close();
  });

  it("keeps the console clean on monitor-test's API page", async () => {
    const { page, errors } = await open(`${test.url}/api.html`, 'h1');
    expect(await page.locator('h1').textContent()).toContain('k8s-app-monitor-test');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the error state while the upstream is stopped, and the chart again once it is back', async () => {
    const { page } = await open(`${agent.url}/k8s-app-monitor-agent/`);
    try {
      await test.proc.stop();
      await page.click('#refresh');
      await page.waitForSelector('#chart[data-state="error"]');
      expect(await page.locator('#status').textContent()).toBe('No sample from k8s-app-monitor-test (502: the metrics service refused the connection).');
      test = await startMonitorTest({}, test.port);
      await page.click('#refresh');
      await page.waitForSelector('#chart[data-state="ok"]');
      expect(await page.locator('#status').textContent()).toMatch(/^Sample from system-test-host at /);
      expect(await page.locator('#chart .trace.bars .point').count()).toBe(BAR_COUNT);
    } finally {
      await page.close();
    }
  });
});

describe.skipIf(!browserAvailable())('the chart page with a hostile upstream', () => {
  let browser: Browser;
  let agent: RunningService;
  let respond: (url: string) => string;
  let upstream: Server;

  beforeAll(async () => {
    const fake = await startFakeUpstream((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(respond(req.url ?? '')));
    upstream = fake.server;
    agent = await startMonitorAgent(fake.port);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    upstream?.close();
    await stopAll();
  });

  const performance = { failRatio: 0.5, failAmount: 1, accessAmount: 2, maxConcurrent: 3, maxLatency: 30, minLatency: 10, avgLatency: 20 };
  const sample = (fields: Record<string, unknown>) => JSON.stringify({ performance_index: performance, host: 'h', app_name: 'a', domain: 'd', ...fields });

  it('shows markup, event handlers and javascript: URLs as text, and runs none of them', async () => {
    const domain = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">';
    const host = '<a href="javascript:window.pwned=3">x</a><b onmouseover=window.pwned=4>';
    respond = () => sample({ domain, host });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('dialog', (dialog) => {
      errors.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${agent.url}/`);
    await page.waitForSelector('#chart[data-state="ok"] .main-svg');
    expect(await page.locator('#chart .gtitle').textContent()).toBe(`a,${domain},${host}`);
    expect(await page.locator('#chart .gtitle a, #chart .gtitle b, img[src="x"], #chart script').count()).toBe(0);
    await page.locator('#chart .gtitle').dispatchEvent('mouseover');
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('#status').textContent()).toMatch(/^Sample from <a href="javascript:/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it.each([
    ['NaN', '{"performance_index":{"failRatio":NaN}}'],
    ['Infinity', sample({}).replace('"maxLatency":30', '"maxLatency":Infinity')],
    ['a negative count', sample({ performance_index: { ...performance, failAmount: -1 } })],
    ['a huge latency', sample({ performance_index: { ...performance, maxLatency: 1e300 } })],
    ['a 10,000-character host', sample({ host: 'h'.repeat(10_000) })],
    ['a script as app name', sample({ app_name: '<script>alert(1)</script>' })],
  ])('rejects %s with 502, shows the error state, and stays usable', async (_label, body) => {
    respond = () => body;
    const page = await browser.newPage();
    await page.goto(`${agent.url}/`);
    await page.waitForSelector('#chart[data-state="error"]');
    expect(await page.locator('#status').textContent()).toMatch(/^No sample from k8s-app-monitor-test \(502: the metrics service sent (invalid JSON|a sample that does not match the schema)/);
    respond = () => sample({});
    await page.click('#refresh');
    await page.waitForSelector('#chart[data-state="ok"]');
    expect(await page.locator('#chart .gtitle').textContent()).toBe('a,d,h');
    await page.close();
  });

  it('titles a sample without a host "app,domain", with no dangling comma', async () => {
    respond = () => sample({ host: '' });
    const page = await browser.newPage();
    await page.goto(`${agent.url}/`);
    await page.waitForSelector('#chart[data-state="ok"]');
    expect(await page.locator('#chart .gtitle').textContent()).toBe('a,d');
    respond = () => sample({});
    await page.close();
  });
});

import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchBrowser } from './browser.js';
import { freePort, startMonitorAgent, startMonitorTest, stopAll } from './processes.js';

const BAR_COUNT = 7;

describe.skipIf(!browserAvailable())('the chart page in a real browser', () => {
  let browser: Browser;
  let agentUrl: string;

  beforeAll(async () => {
    const test = await startMonitorTest();
    // Spans go to a closed port; what matters here is that requests are sampled and linked.
    agentUrl = (await startMonitorAgent(test.port, {
      ZIPKIN_UI_URL: 'http://zipkin.example:9411',
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://127.0.0.1:9/api/v2/spans',
    })).url;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stopAll();
  });

  async function openChart(path: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await page.goto(`${agentUrl}${path}`);
    await page.waitForSelector('#chart[data-state="ok"] .main-svg', { timeout: 15_000 });
    return { page, errors, requests };
  }

  const barValues = (page: Page) => page.$$eval('#chart .trace.bars .point text, #chart .bartext', (nodes) => nodes.map((n) => n.textContent));

  it.each([
    ['/k8s-app-monitor-agent', '/k8s-app-monitor-agent/'],
    ['/', '/'],
    ['/k8s-app-monitor-test', '/k8s-app-monitor-test/'],
  ])('renders one bar per performance value at %s, titled app, domain and host', async (path, base) => {
    const { page, errors, requests } = await openChart(path);
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

  it('shows a fresh sample on every load', async () => {
    const { page } = await openChart('/');
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

  it('shows a readable error state when the upstream is down', async () => {
    const deadAgent = await startMonitorAgent(await freePort());
    const page = await browser.newPage();
    try {
      await page.goto(`${deadAgent.url}/`);
      await page.waitForSelector('#chart[data-state="error"]');
      expect(await page.locator('#status').textContent()).toBe(
        'No sample from k8s-app-monitor-test (502: the metrics service refused the connection).',
      );
    } finally {
      await page.close();
    }
  });
});

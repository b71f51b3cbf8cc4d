/// <reference lib="dom" />
/**
 * The chart page beyond the seed, in Debian's Chromium: a server of the original shape (six
 * values, pretty-printed, host ""), the app selector and its URL, the history of samples, and the
 * server-rendered images as a browser loads them (an <img> at the page URL gets the PNG).
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ORIGINAL_BODY } from '../helpers/fixtures.js';
import { browserAvailable, launchBrowser } from './browser.js';
import { startFakeUpstream, startMonitorAgent, startMonitorTest, stopAll, type RunningService } from '../helpers/processes.js';

const ready = '#chart[data-state="ok"] .main-svg';
const barCount = (page: Page) => page.locator('#chart .trace.bars .point').count();
const title = (page: Page) => page.locator('#chart .gtitle').textContent();

describe.skipIf(!browserAvailable())('the chart page against a server of the original shape', () => {
  let browser: Browser;
  let agent: RunningService;
  let original: Server;

  beforeAll(async () => {
    // Exactly what the Go monitor-test sends: unrolled/render's JSON, 2-space indented, no
    // maxLatency, host "" without HOSTNAME; and gorilla/mux's plain-text 404 for /apps.
    const fake = await startFakeUpstream((req, res) => {
      if (req.url === '/metrics') res.writeHead(200, { 'Content-Type': 'application/json; charset=UTF-8' }).end(ORIGINAL_BODY);
      else res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
    });
    original = fake.server;
    agent = await startMonitorAgent(fake.port);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    original?.close();
    await stopAll();
  });

  it('serves its sample at the data endpoint, without maxLatency and with host ""', async () => {
    const res = await fetch(`${agent.url}/k8s-app-monitor-agent/api/metrics`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.host).toBe('');
    expect(body.performance_index).toEqual({ failRatio: 0.02, failAmount: 12, accessAmount: 600, maxConcurrent: 40, minLatency: 3, avgLatency: 25 });
  });

  it('charts six bars, says MaxLatency is not reported, and leaves the selector at the default app', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${agent.url}/k8s-app-monitor-agent/`);
      await page.waitForSelector(ready);
      expect(await barCount(page)).toBe(6);
      expect(await title(page)).toBe('k8s-app-monitor-test,k8s-app-monitor-test.default.svc');
      expect(await page.locator('#note').textContent()).toBe('MaxLatency: not reported by this server.');
      await page.waitForFunction(() => (document.getElementById('app') as HTMLSelectElement).title !== '');
      expect(await page.locator('#app').isDisabled()).toBe(true);
    } finally {
      await page.close();
    }
  });
});

describe.skipIf(!browserAvailable())('the chart page with several apps', () => {
  let browser: Browser;
  let test: RunningService;
  let agent: RunningService;

  beforeAll(async () => {
    test = await startMonitorTest({ APPS: 'test-app:test-domain,checkout:shop,search:find' });
    agent = await startMonitorAgent(test.port);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stopAll();
  });

  it('switches apps with the selector, puts the choice in the URL, and a shared URL opens that app', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${agent.url}/k8s-app-monitor-agent/`);
      await page.waitForSelector(ready);
      await page.waitForSelector('#app:not([disabled])');
      expect(await page.locator('#app option').allTextContents()).toEqual(['test-app (test-domain)', 'checkout (shop)', 'search (find)']);
      expect(await title(page)).toBe('test-app,test-domain,system-test-host');
      await page.selectOption('#app', 'checkout');
      await page.waitForFunction(() => document.querySelector('#chart .gtitle')?.textContent === 'checkout,shop,system-test-host');
      expect(new URL(page.url()).search).toBe('?app=checkout');
      expect(await page.locator('#png-link').getAttribute('href')).toBe('chart.png?app=checkout');
      expect(await barCount(page)).toBe(7);
      // failRatio has its own percent axis on the right, not the counts' scale.
      expect(await page.locator('#chart .y2tick').first().textContent()).toMatch(/ %$/);

      const shared = await browser.newPage();
      await shared.goto(page.url());
      await shared.waitForSelector(ready);
      expect(await title(shared)).toBe('checkout,shop,system-test-host');
      await shared.waitForSelector('#app:not([disabled])');
      expect(await shared.locator('#app').inputValue()).toBe('checkout');
      await shared.close();

      await page.goBack();
      await page.waitForFunction(() => document.querySelector('#chart .gtitle')?.textContent === 'test-app,test-domain,system-test-host');
    } finally {
      await page.close();
    }
  });

  it('says clearly when the URL names an app monitor-test does not have', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${agent.url}/?app=nope`);
      await page.waitForSelector('#chart[data-state="error"]');
      expect(await page.locator('#status').textContent()).toBe('No sample from k8s-app-monitor-test (404: monitor-test has no app named nope).');
    } finally {
      await page.close();
    }
  });

  it('keeps a growing history of the samples while the page is open, cleared on reload', async () => {
    const page = await browser.newPage();
    const points = () => page.locator('#history .scatterlayer .trace').first().locator('.point').count();
    try {
      await page.goto(`${agent.url}/`);
      await page.waitForSelector('#history[data-samples="1"]');
      for (const n of [2, 3, 4]) {
        await page.click('#refresh');
        await page.waitForSelector(`#history[data-samples="${n}"]`);
      }
      expect(await points()).toBe(4);
      // Four panels: requests, latency, fail ratio, concurrency.
      expect(await page.locator('#history .scatterlayer .trace').count()).toBe(7);
      await page.reload();
      await page.waitForSelector('#history[data-samples="1"]');
      expect(await points()).toBe(1);
    } finally {
      await page.close();
    }
  });

  it('gets the PNG from the page URL in an <img>, and the chart images from their own URLs', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${agent.url}/k8s-app-monitor-agent/`);
      await page.waitForSelector(ready);
      const sizes = await page.evaluate(async () =>
        Promise.all(
          ['../k8s-app-monitor-agent', 'chart.png?app=search', 'chart.svg'].map(
            (src) =>
              new Promise<string>((resolve) => {
                const img = new Image();
                img.onload = () => resolve(`${img.naturalWidth}x${img.naturalHeight}`);
                img.onerror = () => resolve('error');
                img.src = src;
              }),
          ),
        ),
      );
      expect(sizes).toEqual(['840x480', '840x480', '840x480']);
    } finally {
      await page.close();
    }
  });
});

describe.skipIf(!browserAvailable())('the chart images with a hostile upstream', () => {
  let browser: Browser;
  let agent: RunningService;
  let upstream: Server;
  const host = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">\u0007';
  const domain = '</text><a href="javascript:window.pwned=3">x</a>';

  beforeAll(async () => {
    const sample = { performance_index: { failRatio: 0.5, failAmount: 1, accessAmount: 2, maxConcurrent: 3, maxLatency: 30, minLatency: 10, avgLatency: 20 }, host, app_name: 'a', domain };
    const fake = await startFakeUpstream((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(sample)));
    upstream = fake.server;
    agent = await startMonitorAgent(fake.port);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    upstream?.close();
    await stopAll();
  });

  it('shows host and domain as text in the SVG opened as a document, and runs nothing', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    try {
      const response = await page.goto(`${agent.url}/chart.svg`);
      expect(response?.headers()['content-type']).toBe('image/svg+xml');
      expect(await page.evaluate(() => document.documentElement.localName)).toBe('svg');
      expect(await page.evaluate(() => document.querySelector('parsererror'))).toBeNull();
      expect(await page.evaluate(() => document.querySelector('title')?.textContent)).toBe(`a,${domain},${host.replace('\u0007', '\ufffd')}`);
      expect(await page.evaluate(() => document.querySelectorAll('script, a, img, foreignObject').length)).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

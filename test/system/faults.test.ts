/**
 * Faults against the real processes: a slow upstream (504 on time, nothing leaks), an upstream
 * answering 500 or garbage (502, still serving), SIGTERM under sustained load (no 5xx, no
 * accepted request dropped, exit 0), and Prometheus scraping every 100 ms during load.
 */
import { Agent, createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { get, metricSum, runLoad } from './load.js';
import { freePort, startMonitorAgent, startMonitorTest, stopAll } from '../helpers/processes.js';
import { realToolsAvailable, startPrometheus } from '../helpers/servers.js';

afterEach(stopAll);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('faults', () => {
  it('takes a fault at run time on the admin port only: the agent sees it at once, and again healthy after DELETE', async () => {
    const test = await startMonitorTest();
    const agent = await startMonitorAgent(test.port);
    const admin = `http://127.0.0.1:${test.metricsPort}/faults`;
    const post = (url: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"errorRate":1}' });
    // The public port has no /faults: GET is unrouted, POST is not a read.
    expect((await fetch(`${test.url}/faults`)).status).toBe(404);
    expect((await post(`${test.url}/faults`)).status).toBe(405);
    expect((await get(`${agent.url}/api/metrics`)).status).toBe(200);
    expect((await post(admin)).status).toBe(200);
    const failing = await get(`${agent.url}/api/metrics`);
    expect(failing.status).toBe(502);
    expect(JSON.parse(failing.body).message).toMatch(/500/);
    expect((await fetch(admin, { method: 'DELETE' })).status).toBe(200);
    expect((await get(`${agent.url}/api/metrics`)).status).toBe(200);
    // GET /metrics on the admin port still serves Prometheus.
    expect((await fetch(`http://127.0.0.1:${test.metricsPort}/metrics`)).status).toBe(200);
  });

  it('answers 504 at the timeout, before the slow upstream would have, and leaks no sockets or timers over 1,000 of them', async () => {
    const test = await startMonitorTest({ FAULT_DELAY_MS: '2000' });
    const agent = await startMonitorAgent(test.port, { UPSTREAM_TIMEOUT_MS: '100' });
    const handles = () => metricSum(`http://127.0.0.1:${agent.metricsPort}/metrics`, 'nodejs_active_handles');
    for (let i = 0; i < 20; i++) {
      const { status, body, ms } = await get(`${agent.url}/api/metrics`);
      expect(status).toBe(504);
      expect(JSON.parse(body)).toEqual({ error: 'Gateway Timeout', message: 'the metrics service did not answer within 100 ms' });
      expect(ms).toBeGreaterThanOrEqual(99);
      // What matters: the agent gave up at its deadline instead of waiting for the upstream's
      // answer at 2 s. The room between is for a busy 2-core machine (load average 20 seen
      // here), not a speed goal.
      expect(ms).toBeLessThan(1500);
    }
    await sleep(2100); // the upstream finishes its slow answers
    const before = await handles();
    let sent = 0;
    const result = await runLoad(`${agent.url}/api/metrics`, 25, () => sent++ >= 1000);
    expect(result.statuses).toEqual({ 504: 1000 });
    await sleep(2300);
    const after = await handles();
    expect(after - before, `active handles ${before} → ${after}`).toBeLessThanOrEqual(3);
    expect((await get(`${agent.url}/healthz`)).status).toBe(200);
  }, 60_000);

  it('answers 502 when the upstream fails (FAULT_ERROR_RATE=1) or sends garbage, and keeps serving', async () => {
    const failing = await startMonitorTest({ FAULT_ERROR_RATE: '1' });
    const agent = await startMonitorAgent(failing.port);
    for (let i = 0; i < 20; i++) {
      const { status, body } = await get(`${agent.url}/api/metrics`);
      expect(status).toBe(502);
      expect(JSON.parse(body)).toEqual({ error: 'Bad Gateway', message: 'the metrics service answered 500' });
    }
    const garbage = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('\u0000garbage{{{'));
    const port = await freePort();
    await new Promise<void>((resolve) => garbage.listen(port, '127.0.0.1', resolve));
    try {
      const second = await startMonitorAgent(port);
      const { status, body } = await get(`${second.url}/api/metrics`);
      expect(status).toBe(502);
      expect(body).not.toContain('garbage');
      expect((await get(`${second.url}/healthz`)).status).toBe(200);
    } finally {
      garbage.close();
    }
    expect((await get(`${agent.url}/healthz`)).status).toBe(200);
  });

  it('on SIGTERM under sustained load: stops being ready at once, answers every accepted request without a 5xx, exits 0', async () => {
    const test = await startMonitorTest();
    const agent = await startMonitorAgent(test.port);
    let stop = false;
    const load = runLoad(`${agent.url}/api/metrics`, 8, () => stop);
    await sleep(1500);
    agent.proc.child.kill('SIGTERM');
    const signalled = performance.now();
    // A new connection (what a kubelet probe opens) is refused or told 503 at once: probe every
    // 10 ms from the moment the signal is sent (it is delivered asynchronously) until it is.
    let probe: { status: number | string | undefined } = { status: 200 };
    while (probe.status === 200 && performance.now() - signalled < 3000) {
      probe = await get(`${agent.url}/readyz`, new Agent({ keepAlive: false })).catch((error: NodeJS.ErrnoException) => ({ status: error.code }));
      if (probe.status === 200) await sleep(10);
    }
    // Well within one kubelet probe period (5 s), with room for a descheduled process.
    expect(performance.now() - signalled).toBeLessThan(1000);
    expect([503, 'ECONNREFUSED', 'ECONNRESET']).toContain(probe.status);
    const exit = await agent.proc.exited;
    stop = true;
    const result = await load;
    expect(exit).toBe(0);
    expect(Object.keys(result.statuses)).toEqual(['200']);
    expect(result.statuses[200]).toBeGreaterThan(100);
    // Every request the agent accepted (and logged) was answered 200 to the client: none was cut.
    const accepted = agent.proc
      .output()
      .split('\n')
      .filter((line) => line.includes('"route":"/api/metrics"'));
    expect(accepted.every((line) => line.includes('"status":200'))).toBe(true);
    expect(accepted.length).toBe(result.statuses[200]);
    // The rest never reached the app: refused, or sent on a keep-alive socket as it was closed.
    for (const code of Object.keys(result.failures)) expect(['ECONNREFUSED', 'ECONNRESET']).toContain(code);
  }, 30_000);

  it.skipIf(!realToolsAvailable())(
    'serves scrapes every 100 ms during load, keeping up and without errors',
    async () => {
      const test = await startMonitorTest();
      const agent = await startMonitorAgent(test.port);
      const prometheus = await startPrometheus(
        [
          { job: 'k8s-app-monitor-test', app: 'k8s-app-monitor-test', ports: [test.metricsPort] },
          { job: 'k8s-app-monitor-agent', app: 'k8s-app-monitor-agent', ports: [agent.metricsPort] },
        ],
        { scrapeInterval: '100ms' },
      );
      // Prometheus counts every scrape interval it ran (its own metric), per target.
      const scrapesRun = async () => Number(/prometheus_target_interval_length_seconds_count\{interval="100ms"\} (\S+)/.exec(await (await fetch(`${prometheus.url}/metrics`)).text())?.[1] ?? 0);
      const scrapesBefore = await scrapesRun();
      // Moderate load: on two cores a saturating load would starve Prometheus itself, not test us.
      const end = Date.now() + 6000;
      // Beside Prometheus (which this busy 2-core machine cannot keep to 100 ms), a scraper of our
      // own asks each metrics port every 100 ms exactly as Prometheus does, and times each answer.
      const scrape = async (port: number) => {
        const times: number[] = [];
        while (Date.now() < end) {
          const start = performance.now();
          const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' } });
          const text = await res.text();
          expect(res.status).toBe(200);
          expect(text.endsWith('# EOF\n')).toBe(true);
          times.push(performance.now() - start);
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (performance.now() - start))));
        }
        return times;
      };
      const [result, testScrapes, agentScrapes] = await Promise.all([
        runLoad(`${agent.url}/api/metrics`, 4, () => Date.now() > end, { pauseMs: 2 }),
        scrape(test.metricsPort),
        scrape(agent.metricsPort),
      ]);
      // What matters: scrapes keep up with the 100 ms interval (the median) and never stall behind
      // the load (a blocked event loop would show as seconds). A scrape takes a few ms on a quiet
      // machine; the margins are for this shared 2-core VM, where the load average reached 20 while
      // these tests ran. How fast a scrape is belongs to npm run bench, not to a pass/fail test.
      for (const times of [testScrapes, agentScrapes]) {
        const sorted = [...times].sort((a, b) => a - b);
        expect(times.length).toBeGreaterThanOrEqual(20);
        expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(100);
        expect(sorted[Math.floor(sorted.length * 0.95)]).toBeLessThan(1000);
      }
      expect(Object.keys(result.statuses)).toEqual(['200']);
      expect(result.failures).toEqual({});
      // Prometheus' own scrapes: all successful and fast (it ran at least ~2 a second per target).
      expect((await scrapesRun()) - scrapesBefore).toBeGreaterThanOrEqual(20);
      // Its timeout is the interval (100 ms), so on a busy VM an odd scrape times out; nearly all
      // must succeed.
      const up = await prometheus.query('avg_over_time(up[6s])');
      expect(up).toHaveLength(2);
      for (const series of up) expect(Number(series.value[1]), series.metric.job).toBeGreaterThanOrEqual(0.8);
    },
    60_000,
  );
});

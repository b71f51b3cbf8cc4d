import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, MAIN, PRELOAD, startMonitorAgent, startMonitorTest, startProcess, stopAll, waitForOk } from '../helpers/processes.js';

afterEach(stopAll);

describe('both services as real processes', () => {
  it('serves the agent → test path, survives the upstream stopping, and recovers', async () => {
    const test = await startMonitorTest();
    const agent = await startMonitorAgent(test.port);

    const ok = await fetch(`${agent.url}/k8s-app-monitor-agent/api/metrics`);
    expect(ok.status).toBe(200);
    const sample = await ok.json();
    expect(sample).toMatchObject({ host: 'system-test-host', app_name: 'test-app', domain: 'test-domain' });
    const page = await fetch(`${agent.url}/k8s-app-monitor-agent/`);
    expect(await page.text()).toContain('assets/vendor/plotly.js');

    expect(await test.proc.stop()).toBe(0);
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${agent.url}/api/metrics`);
      expect(res.status).toBe(502);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(await res.json()).toEqual({ error: 'Bad Gateway', message: 'the metrics service refused the connection' });
    }
    expect((await fetch(`${agent.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${agent.url}/readyz`)).status).toBe(200);

    await startMonitorTest({}, test.port);
    const recovered = await fetch(`${agent.url}/api/metrics`);
    expect(recovered.status).toBe(200);
    expect(((await recovered.json()) as { app_name: string }).app_name).toBe('test-app');
    expect(agent.proc.child.exitCode).toBeNull();
  });

  it('logs one JSON access line per request with method, route, status and duration', async () => {
    const test = await startMonitorTest();
    await fetch(`${test.url}/metrics/test-app`);
    await fetch(`${test.url}/metrics/nope`);
    await test.proc.stop();
    const lines = test.proc
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const access = lines.filter((line) => line.msg === 'request');
    expect(access).toHaveLength(2);
    expect(access[0]).toMatchObject({ method: 'GET', route: '/metrics/:appname', status: 200 });
    expect(access[1]).toMatchObject({ method: 'GET', route: '/metrics/:appname', status: 404 });
    expect(typeof access[0].duration_ms).toBe('number');
  });

  it('makes no span and no access line as the mesh-telemetry overlay runs it, and still logs the rest', async () => {
    // The exporter is set, so only OTEL_SDK_DISABLED keeps the tracer away (port 9 never answers).
    const test = await startMonitorTest({ OTEL_SDK_DISABLED: 'TRUE', ACCESS_LOG: 'false', OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://127.0.0.1:9/api/v2/spans' });
    const res = await fetch(`${test.url}/metrics/test-app`);
    expect(res.status).toBe(200);
    // No tracer: no trace id to hand back (with one, every response carries traceresponse).
    expect(res.headers.get('traceresponse')).toBeNull();
    expect((await fetch(`${test.url}/metrics/test-app`, { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } })).headers.get('traceresponse')).toBeNull();
    await test.proc.stop();
    const messages = test.proc
      .output()
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).not.toContain('request');
    expect(messages).toContain('stopped');
  });

  it('logs the upstream, Prometheus and Zipkin URLs at start-up without their credentials', async () => {
    const test = await startMonitorTest();
    const agent = await startMonitorAgent(test.port, {
      UPSTREAM_URL: `http://user:s3cret-upstream@127.0.0.1:${test.port}`,
      PROMETHEUS_URL: 'http://user:s3cret-prometheus@127.0.0.1:9/',
      ZIPKIN_UI_URL: 'http://s3cret-token@zipkin.example/',
    });
    expect((await fetch(`${agent.url}/api/metrics`)).status).toBe(200);
    await agent.proc.stop();
    const startup = agent.proc
      .output()
      .split('\n')
      .map((line) => JSON.parse(line || '{}'))
      .find((line) => line.msg === 'reading samples from the upstream');
    expect(startup).toMatchObject({
      upstream: `http://REDACTED:REDACTED@127.0.0.1:${test.port}/`,
      prometheus: 'http://REDACTED:REDACTED@127.0.0.1:9/',
      zipkin_ui: 'http://REDACTED@zipkin.example/',
    });
    expect(agent.proc.output()).not.toContain('s3cret');
  });

  it('finishes an in-flight request on SIGTERM, then exits 0', async () => {
    // An upstream that takes 500 ms keeps the agent's request in flight while it is told to stop.
    const slow = createServer((_req, res) =>
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ performance_index: { failRatio: 0, failAmount: 0, accessAmount: 0, maxConcurrent: 0, maxLatency: 0, minLatency: 0, avgLatency: 0 }, host: 'h', app_name: 'a', domain: 'd' }),
        );
      }, 500),
    );
    const slowPort = await freePort();
    await new Promise<void>((resolve) => slow.listen(slowPort, '127.0.0.1', resolve));
    try {
      const agent = await startMonitorAgent(slowPort);
      const inFlight = fetch(`${agent.url}/api/metrics`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const start = Date.now();
      agent.proc.child.kill('SIGTERM');
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await agent.proc.exited).toBe(0);
      expect(Date.now() - start).toBeLessThan(3000);
      // Once stopping, no new connection is accepted.
      await expect(fetch(`${agent.url}/healthz`)).rejects.toThrow();
      expect(agent.proc.output()).toMatch(/"msg":"shutting down"/);
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });

  it('fails readiness first and keeps serving for SHUTDOWN_DELAY_MS, then stops accepting and exits 0', async () => {
    const test = await startMonitorTest({ SHUTDOWN_DELAY_MS: '1500' });
    const start = Date.now();
    test.proc.child.kill('SIGTERM');
    // Readiness flips at once; the listener keeps accepting new connections meanwhile.
    let readiness = 200;
    while (readiness === 200 && Date.now() - start < 1000) readiness = (await fetch(`${test.url}/readyz`)).status;
    expect(readiness).toBe(503);
    const during = await fetch(`${test.url}/metrics`);
    expect(during.status).toBe(200);
    expect(during.headers.get('connection')).toBe('close');
    expect(await test.proc.exited).toBe(0);
    // Not a speed bound: the process must not have closed the listener before the delay was over.
    expect(Date.now() - start).toBeGreaterThanOrEqual(1500);
    await expect(fetch(`${test.url}/healthz`)).rejects.toThrow();
  });

  it.each(['SIGHUP', 'SIGUSR2'] as const)('drains and exits 0 on %s, as on SIGTERM', async (signal) => {
    const test = await startMonitorTest();
    expect(await test.proc.stop(signal)).toBe(0);
    expect(test.proc.output()).toContain(`"signal":"${signal}"`);
    expect(test.proc.output()).toMatch(/"msg":"stopped"/);
  });

  it('exits within SHUTDOWN_TIMEOUT_MS even when a request never finishes', async () => {
    const stuck = createServer(() => {
      /* never answers */
    });
    const stuckPort = await freePort();
    await new Promise<void>((resolve) => stuck.listen(stuckPort, '127.0.0.1', resolve));
    try {
      const agent = await startMonitorAgent(stuckPort, { SHUTDOWN_TIMEOUT_MS: '300', UPSTREAM_TIMEOUT_MS: '60000' });
      void fetch(`${agent.url}/api/metrics`).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const start = Date.now();
      expect(await agent.proc.stop()).toBe(0);
      expect(Date.now() - start).toBeLessThan(2000);
      expect(agent.proc.output()).toMatch(/shutdown timeout/);
    } finally {
      stuck.closeAllConnections();
      stuck.close();
    }
  });

  it('exits within SHUTDOWN_TIMEOUT_MS of the drain even when the span collector never answers', async () => {
    const silentCollector = createServer(() => {
      /* accepts spans, never answers */
    });
    const collectorPort = await freePort();
    await new Promise<void>((resolve) => silentCollector.listen(collectorPort, '127.0.0.1', resolve));
    try {
      const test = await startMonitorTest({
        SHUTDOWN_TIMEOUT_MS: '300',
        OTEL_TRACES_EXPORTER: 'zipkin',
        OTEL_EXPORTER_ZIPKIN_ENDPOINT: `http://127.0.0.1:${collectorPort}/api/v2/spans`,
        OTEL_BSP_SCHEDULE_DELAY: '60000',
      });
      expect((await fetch(`${test.url}/metrics`)).status).toBe(200);
      const start = Date.now();
      expect(await test.proc.stop()).toBe(0);
      expect(Date.now() - start).toBeLessThan(2000);
      expect(test.proc.output()).toMatch(/gave up flushing at the shutdown timeout/);
    } finally {
      silentCollector.closeAllConnections();
      silentCollector.close();
    }
  });

  it.each([
    ['test, PORT=abc', MAIN.test, { PORT: 'abc' }, 'configuration error: PORT must be a whole number, got "abc"'],
    ['agent, APP_PORT=70000', MAIN.agent, { APP_PORT: '70000' }, 'configuration error: APP_PORT must be between 1 and 65535, got 70000'],
    ['test, PORT = METRICS_PORT', MAIN.test, { PORT: '24100', METRICS_PORT: '24100' }, 'configuration error: METRICS_PORT must differ from PORT, both are 24100'],
    ['agent, PORT = METRICS_PORT', MAIN.agent, { PORT: '24101', METRICS_PORT: '24101' }, 'configuration error: METRICS_PORT must differ from PORT, both are 24101'],
    ['test, a 254-character HOSTNAME', MAIN.test, { HOSTNAME: 'h'.repeat(254) }, "configuration error: HOSTNAME must be at most 253 characters (a sample's host), got 254"],
    // TEST-NET-1 (RFC 5737): well-formed, and an address of no machine's interface.
    ['test, LISTEN_HOST of another host', MAIN.test, { LISTEN_HOST: '192.0.2.1' }, 'configuration error: LISTEN_HOST must be an address of this host, got "192.0.2.1" (EADDRNOTAVAIL)'],
    ['agent, LISTEN_HOST malformed', MAIN.agent, { LISTEN_HOST: 'no such host' }, 'configuration error: LISTEN_HOST must be an IP address or a host name, got "no such host"'],
    [
      'agent, credentials in a bad UPSTREAM_URL',
      MAIN.agent,
      { UPSTREAM_URL: 'ftp://admin:s3cr3t@host/' },
      'configuration error: UPSTREAM_URL must be an http or https URL, got "ftp://REDACTED@host/"',
    ],
  ])('stops with one clear line on a bad setting (%s)', async (_label, main, env, line) => {
    const proc = startProcess(main, env);
    expect(await proc.exited).toBe(78);
    expect(proc.output().trim()).toBe(line);
  });

  it.each([
    ['no URL', 'notaurl', 'configuration error: OTEL_EXPORTER_ZIPKIN_ENDPOINT must be an absolute URL, got "notaurl"'],
    ['not http', 'ftp://user:pw@127.0.0.1:9/x', 'configuration error: OTEL_EXPORTER_ZIPKIN_ENDPOINT must be an http or https URL, got "ftp://REDACTED@127.0.0.1:9/x"'],
  ])('stops the tracing preload with one clear line on a Zipkin endpoint that is %s', async (_label, endpoint, line) => {
    for (const kind of ['test', 'agent'] as const) {
      const proc = startProcess(MAIN[kind], { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: endpoint }, PRELOAD[kind]);
      expect(await proc.exited).toBe(78);
      expect(proc.output().trim()).toBe(line);
    }
  });

  it('npm start runs both services on the given ports and Ctrl-C stops both with exit 0', async () => {
    const [testPort, agentPort] = [await freePort(), await freePort()];
    const [testMetrics, agentMetrics] = [await freePort(), await freePort()];
    const all = startProcess(MAIN.all, {
      TEST_PORT: String(testPort),
      AGENT_PORT: String(agentPort),
      TEST_METRICS_PORT: String(testMetrics),
      AGENT_METRICS_PORT: String(agentMetrics),
      OTEL_TRACES_EXPORTER: 'none',
    });
    await waitForOk(`http://127.0.0.1:${agentPort}/api/metrics`, all);
    await waitForOk(`http://127.0.0.1:${testMetrics}/metrics`, all);
    await waitForOk(`http://127.0.0.1:${agentMetrics}/metrics`, all);
    expect(all.output()).toContain(`http://localhost:${agentPort}/k8s-app-monitor-agent/`);
    expect(await all.stop('SIGINT')).toBe(0);
    expect(all.output().match(/"msg":"stopped"/g)).toHaveLength(2);
    await expect(fetch(`http://127.0.0.1:${testPort}/healthz`)).rejects.toThrow();
  });
});

import { SpanStatusCode } from '@opentelemetry/api';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/monitor-test/app.js';
import { render } from '../../src/shared/telemetry/exposition.js';
import { monitorTestFixture } from '../helpers/fixtures.js';
import { useInMemoryTracing } from '../helpers/tracing-fixture.js';

const spans = useInMemoryTracing();

describe('fault injection', () => {
  it('answers every metric request 500 at FAULT_ERROR_RATE=1, visibly in spans and metrics, and leaves the rest alone', async () => {
    const { config, deps } = monitorTestFixture({ FAULT_ERROR_RATE: '1' });
    const http = request(createApp(config, deps).callback());
    const res = await http.get('/metrics/test-app').expect(500);
    expect(res.body).toEqual({ error: 'Internal Server Error', message: 'injected fault' });
    const [span] = spans.getFinishedSpans().slice(-1);
    expect(span!.attributes['fault.injected']).toBe(true);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(await render(deps.metrics.registry, 'text/plain; version=0.0.4; charset=utf-8')).toMatch(
      /http_server_request_duration_seconds_count\{http_request_method="GET",http_route="\/metrics\/:appname",http_response_status_code="500"\} 1/,
    );
    await http.get('/openapi.json').expect(200);
    await http.get('/healthz').expect(200);
  });

  it('fails exactly the configured share of requests, spread evenly rather than drawn by chance', async () => {
    const { config, deps } = monitorTestFixture({ FAULT_ERROR_RATE: '0.3' });
    const http = request(createApp(config, deps).callback());
    const outcomes: number[] = [];
    for (let i = 0; i < 400; i++) outcomes.push((await http.get('/metrics')).status);
    expect(outcomes.filter((s) => s === 500)).toHaveLength(120);
    // Every 10 consecutive requests hold 3 failures: no window sees a burst the rate did not ask for.
    for (let i = 0; i + 10 <= 400; i++) expect(outcomes.slice(i, i + 10).filter((s) => s === 500).length).toBeGreaterThanOrEqual(2);
    for (let i = 0; i + 10 <= 400; i++) expect(outcomes.slice(i, i + 10).filter((s) => s === 500).length).toBeLessThanOrEqual(4);
  });

  it('delays by FAULT_DELAY_MS plus up to FAULT_DELAY_JITTER_MS', async () => {
    const { config, deps } = monitorTestFixture({ FAULT_DELAY_MS: '100', FAULT_DELAY_JITTER_MS: '50' });
    const http = request(createApp(config, deps).callback());
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      await http.get('/metrics').expect(200);
      const took = performance.now() - start;
      expect(took).toBeGreaterThanOrEqual(99);
      expect(took).toBeLessThan(400);
    }
  });
});

describe('answers per app (monitor_test_app_responses_total)', () => {
  it('counts each configured app apart, so a fault on one app shows on that app only; unknown names are not counted', async () => {
    const { config, deps } = monitorTestFixture({ APPS: 'test-app:test-domain,other-app:other-domain' });
    deps.faults.set({ errorRate: 1, delayMs: 0, jitterMs: 0 }, 'other-app');
    const http = request(createApp(config, deps).callback());
    await http.get('/metrics').expect(200); // the default app, test-app
    await http.get('/metrics/test-app').expect(200);
    await http.get('/metrics/other-app').expect(500);
    await http.get('/metrics/no-such-app').expect(404);
    await http.get('/metrics/bad%20name').expect(400);
    const text = await render(deps.metrics.registry, 'text/plain; version=0.0.4; charset=utf-8');
    const series = text.split('\n').filter((line) => line.startsWith('monitor_test_app_responses_total{'));
    expect(series.sort()).toEqual([
      'monitor_test_app_responses_total{app_name="other-app",http_response_status_code="200"} 0',
      'monitor_test_app_responses_total{app_name="other-app",http_response_status_code="500"} 1',
      'monitor_test_app_responses_total{app_name="test-app",http_response_status_code="200"} 2',
      'monitor_test_app_responses_total{app_name="test-app",http_response_status_code="500"} 0',
    ]);
  });
});

import { SpanStatusCode } from '@opentelemetry/api';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/monitor-test/app.js';
import { render } from '../../src/shared/telemetry/exposition.js';
import { seededRandom } from '../../src/monitor-test/random-walk.js';
import { createFaults } from '../../src/monitor-test/faults.js';
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

  it('fails about the configured share of requests', async () => {
    // Seeded: the count is the same on every run, so the bounds test the share, not luck.
    const { config, deps } = monitorTestFixture({ FAULT_ERROR_RATE: '0.3' });
    const http = request(createApp(config, { ...deps, faults: createFaults(config.faults, seededRandom(2026)) }).callback());
    let failed = 0;
    for (let i = 0; i < 400; i++) if ((await http.get('/metrics')).status === 500) failed++;
    expect(failed).toBeGreaterThan(80);
    expect(failed).toBeLessThan(160);
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

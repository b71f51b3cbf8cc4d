/**
 * monitor-test as k8s/overlays/istio-mesh-telemetry runs it: no tracer registered (this file
 * installs none, as OTEL_SDK_DISABLED=true leaves the API's no-op one), so the request's
 * telemetry makes no span, yet still observes every answer in the histogram and per app.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/monitor-test/app.js';
import { render } from '../../src/shared/telemetry/exposition.js';
import { monitorTestFixture } from '../helpers/fixtures.js';

const CLASSIC = 'text/plain; version=0.0.4; charset=utf-8';

describe('monitor-test with no tracer of its own (request telemetry by the mesh)', () => {
  it('answers with no trace of its own and still counts every answer by route and by app', async () => {
    const { config, deps } = monitorTestFixture({ APPS: 'test-app:test-domain,other-app:other-domain' });
    deps.faults.set({ errorRate: 1, delayMs: 0, jitterMs: 0 }, 'other-app');
    const http = request(createApp(config, deps).callback());
    const res = await http.get('/metrics/test-app').set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01').expect(200);
    expect(res.headers.traceresponse).toBeUndefined();
    await http.get('/metrics').expect(200);
    await http.get('/metrics/other-app').expect(500);
    await http.get('/no-such-path').expect(404);
    const text = await render(deps.metrics.registry, CLASSIC);
    const counts = (name: string) => text.split('\n').filter((line) => line.startsWith(`${name}{`) && !line.endsWith(' 0'));
    expect(counts('http_server_request_duration_seconds_count').sort()).toEqual([
      'http_server_request_duration_seconds_count{http_request_method="GET",http_route="/metrics",http_response_status_code="200"} 1',
      'http_server_request_duration_seconds_count{http_request_method="GET",http_route="/metrics/:appname",http_response_status_code="200"} 1',
      'http_server_request_duration_seconds_count{http_request_method="GET",http_route="/metrics/:appname",http_response_status_code="500"} 1',
      'http_server_request_duration_seconds_count{http_request_method="GET",http_route="unmatched",http_response_status_code="404"} 1',
    ]);
    expect(counts('monitor_test_app_responses_total').sort()).toEqual([
      'monitor_test_app_responses_total{app_name="other-app",http_response_status_code="500"} 1',
      'monitor_test_app_responses_total{app_name="test-app",http_response_status_code="200"} 2',
    ]);
  });
});

import { Counter } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { negotiateFormat, render } from '../../../src/shared/telemetry/exposition.js';
import { createServiceMetrics, observeDuration } from '../../../src/shared/telemetry/metrics.js';

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const CLASSIC = 'text/plain; version=0.0.4; charset=utf-8';
const EXEMPLAR = { trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' };

function metricsWithTraffic() {
  const metrics = createServiceMetrics();
  observeDuration(metrics.httpServerDuration, { http_request_method: 'GET', http_route: '/metrics', http_response_status_code: 200 }, 0.003, EXEMPLAR);
  new Counter({ name: 'widgets_made_total', help: 'A counter, to check its name in both formats.', registers: [metrics.registry] }).inc(3);
  return metrics;
}

describe('metrics exposition', () => {
  it('negotiates like the Go client: OpenMetrics only when asked for', () => {
    // What Prometheus 2.x sends when scraping.
    expect(negotiateFormat('application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1')).toBe(OPENMETRICS);
    expect(negotiateFormat('*/*')).toBe(CLASSIC);
    expect(negotiateFormat(undefined)).toBe(CLASSIC);
  });

  it('renders OpenMetrics with trace-id exemplars and # EOF', async () => {
    const text = await render(metricsWithTraffic().registry, OPENMETRICS);
    expect(text).toMatch(
      /^http_server_request_duration_seconds_bucket\{le="0\.005",http_request_method="GET",http_route="\/metrics",http_response_status_code="200"\} 1 # \{trace_id="0af7651916cd43dd8448eb211c80319c",span_id="b7ad6b7169203331"\} 0\.003 \d+/m,
    );
    expect(text).toMatch(/^# TYPE widgets_made counter$/m);
    expect(text).toMatch(/^widgets_made_total 3$/m);
    expect(text.endsWith('# EOF\n')).toBe(true);
  });

  it('renders the classic text format without exemplars, counters keeping _total, even after an OpenMetrics scrape', async () => {
    const { registry } = metricsWithTraffic();
    await render(registry, OPENMETRICS);
    const text = await render(registry, CLASSIC);
    expect(text).not.toContain('trace_id');
    expect(text).not.toContain('# EOF');
    expect(text).toMatch(/^# TYPE widgets_made_total counter$/m);
    expect(text).toMatch(/^widgets_made_total 3$/m);
    expect(text).toMatch(/^process_cpu_seconds_total \S+$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \S+$/m);
    expect(text).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram$/m);
  });
});

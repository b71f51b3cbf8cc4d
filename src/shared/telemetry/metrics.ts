/**
 * One prom-client Registry per service. It is created as OpenMetrics (prom-client only keeps
 * exemplars on such a registry), and exposition.ts renders it in either format per scrape.
 * Names follow the OpenTelemetry HTTP semantic conventions in Prometheus form, in base units.
 */
import { collectDefaultMetrics, Histogram, Registry, type LabelValues, type OpenMetricsContentType } from 'prom-client';

const HTTP_SERVER_DURATION = 'http_server_request_duration_seconds';
const HTTP_CLIENT_DURATION = 'http_client_request_duration_seconds';

/** The buckets the semantic conventions recommend for HTTP durations (seconds). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Methods keep their name; anything else is `_OTHER`, as the conventions say, so labels stay bounded. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);
export const methodLabel = (method: string): string => (KNOWN_METHODS.has(method) ? method : '_OTHER');

export type ClientDurationHistogram = Histogram<'http_request_method' | 'server_address' | 'server_port' | 'http_response_status_code' | 'error_type'>;

export interface ServiceMetrics {
  registry: Registry<OpenMetricsContentType>;
  httpServerDuration: Histogram<'http_request_method' | 'http_route' | 'http_response_status_code'>;
}

export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  // CPU, heap, event-loop lag, GC, handles, restarts (process_start_time_seconds).
  collectDefaultMetrics({ register: registry });
  // Gauges that prom-client names like counters, which `promtool check metrics` rejects; the
  // same numbers remain per type in nodejs_active_handles, nodejs_active_requests, nodejs_active_resources.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(name);
  }
  const httpServerDuration = new Histogram({
    name: HTTP_SERVER_DURATION,
    help: 'Duration of HTTP server requests.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
    enableExemplars: true,
  });
  return { registry, httpServerDuration };
}

/** The registry's client histogram, made on first use: every outbound client of a service shares it. */
export function clientDurationHistogram(registry: Registry<OpenMetricsContentType>): ClientDurationHistogram {
  const existing = registry.getSingleMetric(HTTP_CLIENT_DURATION);
  if (existing) return existing as ClientDurationHistogram;
  return new Histogram({
    name: HTTP_CLIENT_DURATION,
    help: 'Duration of outbound HTTP requests; error_type names the failure (timeout, connection_refused, …) or is empty.',
    labelNames: ['http_request_method', 'server_address', 'server_port', 'http_response_status_code', 'error_type'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
    enableExemplars: true,
  });
}

/** Observes a duration, with the trace of the request as exemplar when it was sampled. */
export function observeDuration<T extends string>(histogram: Histogram<T>, labels: LabelValues<T>, seconds: number, exemplar: Record<string, string> | undefined): void {
  // prom-client's types name exemplar labels after the metric's own labels; any names are valid.
  histogram.observe({ labels, value: seconds, exemplarLabels: (exemplar ?? {}) as LabelValues<T> });
}

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Registry, type RegistryContentType } from 'prom-client';
import { errorBody, isReadMethod } from '../http/error-body.js';

type Format = typeof Registry.OPENMETRICS_CONTENT_TYPE | typeof Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * Content negotiation as the Go client does it: OpenMetrics (which carries exemplars) when the
 * scraper asks for it — Prometheus sends `Accept: application/openmetrics-text` — and the classic
 * text format otherwise (curl, promtool, older scrapers).
 */
export function negotiateFormat(accept: string | undefined): Format {
  return accept?.includes('application/openmetrics-text') ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE;
}

/**
 * Renders a registry in either format without mutating it. prom-client fixes the format per
 * registry and, when rendering OpenMetrics, renames counters in place (dropping `_total`), which
 * would corrupt a later classic scrape. Here each scrape renders through a view of the registry
 * with its own content type, and counters get an OpenMetrics name on a copy.
 */
export async function render(registry: Registry<RegistryContentType>, format: Format): Promise<string> {
  const view = Object.create(registry, { contentType: { value: format } }) as Registry & {
    getMetricsAsString(metric: unknown): Promise<string>;
  };
  const openMetrics = format === Registry.OPENMETRICS_CONTENT_TYPE;
  const parts = await Promise.all((registry.getMetricsAsArray() as unknown as Renderable[]).map((metric) => view.getMetricsAsString(openMetrics ? asOpenMetrics(metric) : metric)));
  return openMetrics ? `${parts.join('\n')}\n# EOF\n` : `${parts.join('\n\n')}\n`;
}

/** What prom-client's getMetricsAsString reads of a metric: its name and `get()`. */
interface Renderable {
  name: string;
  type: string;
  get(): Promise<{ name: string }>;
}

function asOpenMetrics(metric: Renderable): Renderable {
  if (metric.type !== 'counter' || !metric.name.endsWith('_total')) return metric;
  const name = metric.name.slice(0, -'_total'.length);
  return { name, type: metric.type, get: async () => ({ ...(await metric.get()), name }) };
}

/** The admin port's handler: `GET /metrics` only. It is never the public port. */
export function metricsEndpoint(registry: Registry<RegistryContentType>, onError: (error: unknown) => void): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    if (request.url?.split('?')[0] !== '/metrics' || !isReadMethod(request.method)) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(errorBody(404, 'metrics are at GET /metrics')));
      return;
    }
    const format = negotiateFormat(request.headers.accept);
    render(registry, format).then(
      (body) => response.writeHead(200, { 'content-type': format, 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : body),
      (error: unknown) => {
        onError(error);
        response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(errorBody(500, 'collecting metrics failed')));
      },
    );
  };
}

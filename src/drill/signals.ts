/**
 * What a drill watches, each read the way its user reads it: Prometheus's `ALERTS` series (what
 * Alertmanager would be sent), the exemplars on monitor-test's latency histogram and the traces
 * they name in Zipkin, the dashboard's own panel query with its threshold, and the agent's
 * service graph.
 */
import { readFileSync } from 'node:fs';
import { getJson } from '../verify/http.js';

interface Vector {
  metric: Record<string, string>;
  value: [number, string];
}

async function instantQuery(prometheus: URL, expr: string): Promise<Vector[]> {
  const body = await getJson<{ status: string; data: { result: Vector[] } }>(new URL(`api/v1/query?query=${encodeURIComponent(expr)}`, prometheus));
  return body.data.result;
}

/** The states (`pending`, `firing`) an alert is in now, for the given labels. */
export async function alertStates(prometheus: URL, alertname: string, labels: Record<string, string> = {}): Promise<Set<string>> {
  const matchers = Object.entries({ alertname, ...labels })
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return new Set((await instantQuery(prometheus, `ALERTS{${matchers}}`)).map((s) => s.metric.alertstate ?? ''));
}

export interface ExemplarIds {
  traceId: string;
  spanId: string;
}

/** The trace and span ids of exemplars on monitor-test's request histogram since `startSeconds`. */
export async function exemplarIds(prometheus: URL, startSeconds: number): Promise<ExemplarIds[]> {
  const query = 'http_server_request_duration_seconds_bucket{app="k8s-app-monitor-test"}';
  const url = new URL(`api/v1/query_exemplars?query=${encodeURIComponent(query)}&start=${startSeconds}&end=${Date.now() / 1000}`, prometheus);
  const body = await getJson<{ data: { exemplars: { labels: Record<string, string> }[] }[] }>(url);
  return body.data
    .flatMap((series) => series.exemplars.map((e) => ({ traceId: e.labels.trace_id ?? e.labels.traceID ?? '', spanId: e.labels.span_id ?? e.labels.spanID ?? '' })))
    .filter((ids) => ids.traceId !== '');
}

/**
 * Whether the exemplar's span carries `fault.injected`; undefined while Zipkin does not hold that
 * span yet. The exporter batches spans for up to OTEL_BSP_SCHEDULE_DELAY (5 s by default) in each
 * service on its own, so an exemplar is often scraped before its trace arrives, and a trace can
 * arrive in parts (the agent's spans before monitor-test's): ask again until the span is there.
 */
export async function exemplarHasFault(zipkin: URL, { traceId, spanId }: ExemplarIds): Promise<boolean | undefined> {
  const response = await fetch(new URL(`api/v2/trace/${traceId}`, zipkin), { signal: AbortSignal.timeout(10_000) });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`Zipkin answered ${response.status} for trace ${traceId}`);
  const spans = (await response.json()) as { id: string; tags?: Record<string, string> }[];
  const span = spanId === '' ? spans.find((s) => s.tags?.['fault.injected'] === 'true') : spans.find((s) => s.id === spanId);
  if (span === undefined) return spanId === '' ? false : undefined;
  return span.tags?.['fault.injected'] === 'true';
}

/** The apps the agent offers (monitor-test's APPS, through the agent's /api/apps). */
export async function agentApps(agentUrl: URL): Promise<string[]> {
  return (await getJson<{ apps: { name: string }[] }>(new URL('api/apps', agentUrl))).apps.map((app) => app.name);
}

/** The agent's service graph over the last `horizon` (its own /servicegraph/graph, as the page reads it). */
export async function serviceGraphEdges(agentUrl: URL, horizon: string): Promise<{ source: string; target: string; labels: Record<string, string> }[]> {
  return (await getJson<{ edges: { source: string; target: string; labels: Record<string, string> }[] }>(new URL(`servicegraph/graph?time_horizon=${horizon}`, agentUrl))).edges;
}

interface DashboardPanel {
  title: string;
  type: string;
  targets?: { expr: string; legendFormat?: string }[];
  fieldConfig?: { defaults?: { thresholds?: { steps?: { value: number | null }[] } } };
  panels?: DashboardPanel[];
}

export interface PanelQuery {
  exprs: { expr: string; legendFormat: string }[];
  threshold: number;
}

/**
 * A panel's targets as Grafana runs them for one instant: every template variable at All (`.*`)
 * and `$__rate_interval` as given (Grafana: four scrape intervals at least), and the panel's
 * first threshold step.
 */
export function panelQuery(dashboardFile: URL, title: string, rateInterval: string): PanelQuery {
  const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as { panels: DashboardPanel[] };
  const panel = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).find((p) => p.title === title);
  const threshold = panel?.fieldConfig?.defaults?.thresholds?.steps?.find((s) => s.value !== null)?.value;
  if (!panel?.targets || typeof threshold !== 'number') throw new Error(`the dashboard has no panel "${title}" with targets and a threshold`);
  const expand = (expr: string) => expr.replaceAll('$__rate_interval', rateInterval).replace(/\$\{?(\w+)\}?/g, '.*');
  return { exprs: panel.targets.map((t) => ({ expr: expand(t.expr), legendFormat: t.legendFormat ?? '' })), threshold };
}

/** Each series of the panel now, by its legend, with its value. */
export async function panelValues(prometheus: URL, query: PanelQuery): Promise<{ legend: string; value: number }[]> {
  const rows = await Promise.all(
    query.exprs.map(async ({ expr, legendFormat }) =>
      (await instantQuery(prometheus, expr)).map((s) => ({ legend: legendFormat.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, label: string) => s.metric[label] ?? ''), value: Number(s.value[1]) })),
    ),
  );
  return rows.flat();
}

/** Checks against Prometheus: both services' request series count our requests; exemplars lead to traces. */
import { eventually, getJson } from './http.js';
import { fail, pass, skip, type CheckResult } from './report.js';
import { AGENT, MONITOR_TEST, traceExists } from './zipkin-checks.js';

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

interface Exemplar {
  labels: Record<string, string>;
  value: string;
  timestamp: number;
}

async function query(prometheusUrl: URL, expr: string): Promise<VectorSample[]> {
  const url = new URL('api/v1/query', prometheusUrl);
  url.searchParams.set('query', expr);
  const body = await getJson<{ status: string; data: { result: VectorSample[] } }>(url);
  return body.data.result;
}

/**
 * A service's series, whichever way this deployment names it: the `app` label (compose, the
 * Kubernetes pod label) or the scrape job. `or` keeps one copy of a series both sides select.
 */
function serviceSeries(metric: string, service: string, matchers: string): string {
  return `${metric}{app="${service}",${matchers}} or ${metric}{job=~".*${service}.*",${matchers}}`;
}

/** The request counters the verification's requests land in: the agent's data route, monitor-test's metrics route. */
const REQUEST_COUNTERS = {
  [AGENT]: `sum(${serviceSeries('http_server_request_duration_seconds_count', AGENT, 'http_route=~".*/api/metrics"')})`,
  [MONITOR_TEST]: `sum(${serviceSeries('http_server_request_duration_seconds_count', MONITOR_TEST, 'http_route=~"/metrics.*"')})`,
} as const;

export type Counts = Record<keyof typeof REQUEST_COUNTERS, number>;

async function counts(prometheusUrl: URL): Promise<Counts> {
  const read = async (expr: string) => Number((await query(prometheusUrl, expr))[0]?.value[1] ?? 0);
  return { [AGENT]: await read(REQUEST_COUNTERS[AGENT]), [MONITOR_TEST]: await read(REQUEST_COUNTERS[MONITOR_TEST]) };
}

/** The counters before the requests, so the check can see them count exactly this run's requests (at least). */
export const baselineCounts = (prometheusUrl: URL): Promise<Counts> => counts(prometheusUrl);

export async function checkRequestSeries(prometheusUrl: URL, before: Counts, sentCount: number, timeoutMs: number): Promise<CheckResult> {
  const name = 'request series in Prometheus';
  const { value, reason } = await eventually(async (why) => {
    const now = await counts(prometheusUrl);
    const short = (Object.keys(now) as (keyof Counts)[]).filter((s) => now[s] - before[s] < sentCount);
    return short.length ? why(short.map((s) => `${s} ${before[s]} → ${now[s]}`).join(', ')) : now;
  }, timeoutMs);
  if (!value) return fail(name, `expected both counters to grow by ${sentCount}: ${reason}`);
  const evidence = (Object.keys(value) as (keyof Counts)[]).map((s) => `${s} ${before[s]} → ${value[s]} (+${value[s] - before[s]})`);
  return pass(name, `http_server_request_duration_seconds_count counted the ${sentCount} requests: ${evidence.join(', ')}`);
}

/**
 * An exemplar on the agent's latency histogram whose trace id Zipkin knows. One of this run's
 * traces is preferred; any exemplar trace resolving in Zipkin passes.
 */
export async function checkExemplar(prometheusUrl: URL, zipkinUrl: URL | undefined, ourTraces: string[], timeoutMs: number): Promise<CheckResult> {
  const name = 'latency exemplar → Zipkin';
  const url = new URL('api/v1/query_exemplars', prometheusUrl);
  url.searchParams.set('query', serviceSeries('http_server_request_duration_seconds_bucket', AGENT, 'http_route=~".*/api/metrics"'));
  const { value, reason } = await eventually(async (why) => {
    const end = Date.now() / 1000;
    url.searchParams.set('start', String(end - 900));
    url.searchParams.set('end', String(end));
    const body = await getJson<{ data: { exemplars: Exemplar[] }[] }>(url);
    const ids = body.data
      .flatMap((series) => series.exemplars)
      .sort((a, b) => b.timestamp - a.timestamp)
      .map((e) => e.labels.trace_id)
      .filter((id): id is string => Boolean(id));
    if (ids.length === 0) return why('no exemplar with a trace_id on the agent histogram (is exemplar storage on?)');
    const ordered = [...ids.filter((id) => ourTraces.includes(id)), ...ids.filter((id) => !ourTraces.includes(id))];
    if (!zipkinUrl) return { id: ordered[0]!, resolved: false };
    for (const id of ordered.slice(0, 5)) if (await traceExists(zipkinUrl, id)) return { id, resolved: true };
    return why(`exemplar trace ids ${ordered.slice(0, 5).join(', ')} not found in Zipkin`);
  }, timeoutMs);
  if (!value) return fail(name, reason);
  const ours = ourTraces.includes(value.id) ? " (one of this run's requests)" : '';
  if (!value.resolved) return skip(name, `exemplar trace_id ${value.id}${ours} found, but no --zipkin to resolve it`);
  return pass(name, `exemplar trace_id ${value.id}${ours} resolves in Zipkin`);
}

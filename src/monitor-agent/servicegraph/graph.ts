import type { ClientDurationHistogram } from '../../shared/telemetry/metrics.js';
import { createPrometheusClient, type PrometheusClient, type VectorSample } from './prometheus.js';
import { sharedResults } from './shared-results.js';

/**
 * The old Istio servicegraph addon's JSON: nodes by name, edges with a `reqs/sec` label; and,
 * beyond the addon, `errors/sec`: the 5xx answers (and, from client metrics, the failed calls).
 */
export interface ServiceGraph {
  nodes: Record<string, Record<string, never>>;
  edges: { source: string; target: string; labels: { 'reqs/sec': string; 'errors/sec': string } }[];
}

export interface GraphQuery {
  /** A Prometheus range, e.g. `5m`. */
  timeHorizon: string;
  /** Drop edges with no traffic in the horizon. */
  filterEmpty: boolean;
}

interface GraphSource {
  prometheus: Pick<PrometheusClient, 'queryVector'>;
  /** Only edges into workloads of this namespace (mesh data), when set. */
  namespace: string | undefined;
}

type Graph = ServiceGraph & { from: 'istio' | 'client-metrics' };

/** How long a graph is reused: Prometheus scrapes every 15 s or so, and the page refreshes every 10 s. */
const GRAPH_REUSE_MS = 5000;

/**
 * The service graph the routes serve: one Prometheus client, and identical queries made at the
 * same time (or within GRAPH_REUSE_MS) answered from one run.
 */
function createServiceGraph(options: { prometheusUrl: URL; namespace: string | undefined; timeoutMs: number; duration?: ClientDurationHistogram }) {
  const prometheus = createPrometheusClient({ url: options.prometheusUrl, timeoutMs: options.timeoutMs, duration: options.duration });
  const shared = sharedResults<Graph>(GRAPH_REUSE_MS, 32);
  const source = { prometheus, namespace: options.namespace };
  return {
    graph: (query: GraphQuery): Promise<Graph> => shared(`${query.timeHorizon} ${query.filterEmpty}`, () => buildGraph(source, query)),
    close: () => prometheus.close(),
  };
}

export type ServiceGraphSource = ReturnType<typeof createServiceGraph>;

/** How long the service graph waits for Prometheus. */
const PROMETHEUS_TIMEOUT_MS = 5000;

/** The agent's service graph from its settings: none without PROMETHEUS_URL. */
export function serviceGraphFromConfig(config: { prometheusUrl: URL | undefined; serviceGraphNamespace: string | undefined }, duration?: ClientDurationHistogram): ServiceGraphSource | undefined {
  return config.prometheusUrl ? createServiceGraph({ prometheusUrl: config.prometheusUrl, namespace: config.serviceGraphNamespace, timeoutMs: PROMETHEUS_TIMEOUT_MS, duration }) : undefined;
}

/**
 * With a mesh, the edges come from Istio's standard metric, as the old addon's did (reported by
 * the destination's proxy, so each request counts once). Without one, they come from the
 * services' own client metrics: the agent's calls, by the address it called.
 */
function meshQuery(horizon: string, namespace: string | undefined): string {
  const scope = namespace ? `,destination_workload_namespace="${namespace}"` : '';
  return `sum(rate(istio_requests_total{reporter="destination"${scope}}[${horizon}])) by (source_workload, destination_workload, source_app, destination_app, response_code)`;
}

function clientQuery(horizon: string): string {
  return `sum(rate(http_client_request_duration_seconds_count[${horizon}])) by (app, job, server_address, http_response_status_code, error_type)`;
}

const is5xx = (code: string | undefined) => code !== undefined && /^5\d\d$/.test(code);
const meshEdge = ({ metric }: VectorSample) => ({
  source: metric.source_workload || metric.source_app || 'unknown',
  target: metric.destination_workload || metric.destination_app || 'unknown',
  failed: is5xx(metric.response_code),
});
const clientEdge = ({ metric }: VectorSample) => ({
  source: metric.app || metric.job || 'unknown',
  target: metric.server_address || 'unknown',
  failed: Boolean(metric.error_type) || is5xx(metric.http_response_status_code),
});

async function buildGraph(source: GraphSource, query: GraphQuery): Promise<Graph> {
  const run = (promql: string) => source.prometheus.queryVector(promql);
  let samples = await run(meshQuery(query.timeHorizon, source.namespace));
  let from: 'istio' | 'client-metrics' = 'istio';
  let toEdge = meshEdge;
  if (samples.length === 0) {
    samples = await run(clientQuery(query.timeHorizon));
    from = 'client-metrics';
    toEdge = clientEdge;
  }
  const rates = new Map<string, { source: string; target: string; rate: number; errors: number }>();
  for (const sample of samples) {
    const { source: from_, target, failed } = toEdge(sample);
    const key = JSON.stringify([from_, target]);
    const edge = rates.get(key) ?? { source: from_, target, rate: 0, errors: 0 };
    edge.rate += sample.value;
    if (failed) edge.errors += sample.value;
    rates.set(key, edge);
  }
  const edges = [...rates.values()].filter((edge) => !query.filterEmpty || edge.rate > 0).sort((a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target));
  // A null-prototype map: a workload named `__proto__` is a node like any other.
  const nodes: ServiceGraph['nodes'] = Object.create(null);
  for (const { source: s, target } of edges) {
    nodes[s] = {};
    nodes[target] = {};
  }
  return { from, nodes, edges: edges.map(({ source: s, target, rate, errors }) => ({ source: s, target, labels: { 'reqs/sec': rate.toFixed(6), 'errors/sec': errors.toFixed(6) } })) };
}

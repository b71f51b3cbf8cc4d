/** The service graph (the agent's successor of Istio's servicegraph addon) shows agent → monitor-test. */
import { eventually, get } from './http.js';
import { fail, pass, skip, type CheckResult } from './report.js';
import { AGENT, MONITOR_TEST } from './zipkin-checks.js';

interface Graph {
  edges: { source: string; target: string; labels: { 'reqs/sec': string; 'errors/sec'?: string } }[];
}

/**
 * Polls the agent's `servicegraph/graph` until an edge from the agent to monitor-test has a
 * non-zero rate. Without a mesh the target is the address the agent calls (its CLIENT span's
 * `server.address`, e.g. `localhost` under npm start), so that name counts as monitor-test too.
 * A rate needs traffic across two scrapes, so each poll sends one more request through the agent.
 */
export async function checkServiceGraph(agentUrl: URL, upstreamAddress: string | undefined, timeoutMs: number): Promise<CheckResult> {
  const name = 'service graph edge';
  const url = new URL('servicegraph/graph?time_horizon=1m&filter_empty=true', agentUrl);
  const isUpstream = (target: string) => target.includes(MONITOR_TEST) || target === upstreamAddress;
  let unavailable = '';
  const data = new URL('api/metrics', agentUrl);
  const { value, reason } = await eventually(async (why) => {
    await get(data).then(
      (r) => r.body?.cancel(),
      () => undefined,
    );
    const response = await get(url, { accept: 'application/json' });
    if (response.status === 503) {
      unavailable = ((await response.json().catch(() => ({}))) as { message?: string }).message ?? '503';
      return { edge: undefined };
    }
    if (!response.ok) return why(`GET ${url.pathname}: ${response.status}`);
    const graph = (await response.json()) as Graph;
    const edge = graph.edges.find((e) => e.source.includes(AGENT) && isUpstream(e.target) && Number(e.labels['reqs/sec']) > 0);
    return edge ? { edge } : why(`no ${AGENT} → ${MONITOR_TEST} edge with traffic yet; edges: ${JSON.stringify(graph.edges.map((e) => `${e.source}->${e.target}=${e.labels['reqs/sec']}`))}`);
  }, timeoutMs);
  if (unavailable) return skip(name, `the agent serves no graph (${unavailable})`);
  if (!value?.edge) return fail(name, reason);
  const { source, target, labels } = value.edge;
  return pass(name, `${source} → ${target} at ${labels['reqs/sec']} req/s (${url.pathname})`);
}

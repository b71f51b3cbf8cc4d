/** Each traced request, as a trace in Zipkin: agent SERVER → agent CLIENT → monitor-test SERVER. */
import type { SentRequest } from './agent-checks.js';
import { eventually, getJson } from './http.js';
import { fail, pass, type CheckResult } from './report.js';

export const AGENT = 'k8s-app-monitor-agent';
export const MONITOR_TEST = 'k8s-app-monitor-test';

export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  kind?: string;
  name?: string;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

/** Whether `ancestor` is `span`'s parent, or further up (a mesh's sidecar spans may sit between). */
function descendsFrom(span: ZipkinSpan, ancestor: ZipkinSpan, byId: Map<string, ZipkinSpan>): boolean {
  const seen = new Set<string>();
  for (let parent = span.parentId; parent && !seen.has(parent); parent = byId.get(parent)?.parentId) {
    if (parent === ancestor.id) return true;
    seen.add(parent);
  }
  return false;
}

/**
 * The chain agent SERVER → agent CLIENT → monitor-test SERVER in one trace's spans, or why not.
 * Returns the three spans on success.
 */
function findChain(spans: ZipkinSpan[]): { chain: [ZipkinSpan, ZipkinSpan, ZipkinSpan] } | { missing: string } {
  const byId = new Map(spans.map((s) => [s.id, s]));
  const of = (service: string, kind: string) => spans.filter((s) => s.localEndpoint?.serviceName === service && s.kind === kind);
  const servers = of(AGENT, 'SERVER');
  if (servers.length === 0) return { missing: `no ${AGENT} SERVER span` };
  for (const server of servers) {
    for (const client of of(AGENT, 'CLIENT').filter((c) => descendsFrom(c, server, byId))) {
      const upstream = of(MONITOR_TEST, 'SERVER').find((t) => descendsFrom(t, client, byId));
      if (upstream) return { chain: [server, client, upstream] };
    }
  }
  if (!spans.some((s) => s.localEndpoint?.serviceName === AGENT && s.kind === 'CLIENT')) return { missing: `no ${AGENT} CLIENT span` };
  return { missing: `no ${MONITOR_TEST} SERVER span under the agent's CLIENT span` };
}

/** Looks up each sent request's trace until its chain is complete (spans arrive in batches). */
export async function checkTraces(zipkinUrl: URL, sent: SentRequest[], timeoutMs: number): Promise<{ result: CheckResult; found: string[]; upstreamAddress: string | undefined }> {
  const name = 'traces in Zipkin';
  if (sent.length === 0) return { result: fail(name, 'no successful request to look up'), found: [], upstreamAddress: undefined };
  const found: string[] = [];
  const problems: string[] = [];
  let clientAddress = '';
  const deadline = Date.now() + timeoutMs;
  for (const { traceId } of sent) {
    const { value, reason } = await eventually(
      async (why) => {
        const spans = await getJson<ZipkinSpan[]>(new URL(`api/v2/trace/${traceId}`, zipkinUrl)).catch((e: Error) => why(e.message.includes('404') ? 'not in Zipkin' : e.message));
        if (!spans) return undefined;
        // The address the agent calls names monitor-test in the service graph, even if this trace is incomplete.
        clientAddress ||= spans.find((s) => s.localEndpoint?.serviceName === AGENT && s.kind === 'CLIENT')?.tags?.['server.address'] ?? '';
        const chain = findChain(spans);
        return 'chain' in chain ? chain.chain : why(`${spans.length} spans, ${chain.missing}`);
      },
      Math.max(deadline - Date.now(), 1000),
    );
    if (value) found.push(traceId);
    else problems.push(`trace ${traceId}: ${reason}`);
  }
  const result = problems.length
    ? fail(name, problems.join('; '))
    : pass(name, `${found.length} traces with ${AGENT} SERVER → CLIENT → ${MONITOR_TEST} SERVER: ${found.join(', ')}${clientAddress ? ` (upstream ${clientAddress})` : ''}`);
  return { result, found, upstreamAddress: clientAddress || undefined };
}

/** Whether Zipkin has a trace with this id (used for the exemplar's trace). */
export async function traceExists(zipkinUrl: URL, traceId: string): Promise<boolean> {
  const spans = await getJson<ZipkinSpan[]>(new URL(`api/v2/trace/${traceId}`, zipkinUrl)).catch(() => []);
  return spans.length > 0;
}

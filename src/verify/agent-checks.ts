/** Checks against the agent itself: traced requests to its data endpoint, the chart page, the PNG. */
import { randomBytes } from 'node:crypto';
import { get } from './http.js';
import { fail, pass, skip, type CheckResult } from './report.js';

export interface SentRequest {
  traceId: string;
  /** The span id we sent as the caller: the agent's SERVER span (or a sidecar's) is its child. */
  parentSpanId: string;
  status: number;
  host: string | undefined;
}

interface MetricsBody {
  performance_index?: Record<string, unknown>;
  host?: unknown;
}

/**
 * Sends `count` requests to the data endpoint, each with its own W3C trace context (sampled), so
 * each one's trace can be looked up in Zipkin by an id only this run knows.
 */
export async function sendTracedRequests(agentUrl: URL, count: number): Promise<{ sent: SentRequest[]; result: CheckResult }> {
  const name = 'data endpoint';
  const url = new URL('api/metrics', agentUrl);
  const sent: SentRequest[] = [];
  const problems: string[] = [];
  for (let i = 0; i < count; i++) {
    const traceId = randomBytes(16).toString('hex');
    const parentSpanId = randomBytes(8).toString('hex');
    try {
      const response = await get(url, { traceparent: `00-${traceId}-${parentSpanId}-01`, accept: 'application/json' });
      const body = (await response.json().catch(() => ({}))) as MetricsBody;
      const host = typeof body.host === 'string' ? body.host : undefined;
      sent.push({ traceId, parentSpanId, status: response.status, host });
      if (response.status !== 200) problems.push(`${response.status} for trace ${traceId}`);
      else if (typeof body.performance_index !== 'object' || !host) problems.push(`200 without performance_index/host for trace ${traceId}`);
    } catch (error) {
      problems.push(`${(error as Error).message} for trace ${traceId}`);
    }
  }
  const hosts = [...new Set(sent.map((s) => s.host).filter(Boolean))].join(', ');
  const result = problems.length
    ? fail(name, `GET ${url.pathname}: ${problems.join('; ')}`)
    : pass(name, `GET ${url.pathname} ×${count}: 200 with performance_index from monitor-test host(s) ${hosts}`);
  return { sent: sent.filter((s) => s.status === 200), result };
}

export async function checkChartPage(agentUrl: URL): Promise<CheckResult> {
  const name = 'chart page';
  try {
    const response = await get(agentUrl, { accept: 'text/html' });
    const body = await response.text();
    const type = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !type.startsWith('text/html')) return fail(name, `GET ${agentUrl.pathname}: ${response.status} ${type}`);
    // The page loads Plotly and its data by relative URLs, so it works behind any prefix.
    if (!/plotly/i.test(body)) return fail(name, `GET ${agentUrl.pathname}: 200 but the page does not load Plotly`);
    return pass(name, `GET ${agentUrl.pathname}: 200 ${type.split(';')[0]}, ${body.length} bytes, loads Plotly`);
  } catch (error) {
    return fail(name, `GET ${agentUrl.href}: ${(error as Error).message}`);
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The server-rendered chart image; not every version of the agent has one (404 = not present). */
export async function checkChartPng(agentUrl: URL): Promise<CheckResult> {
  const name = 'chart PNG';
  const url = new URL('chart.png', agentUrl);
  try {
    const response = await get(url, { accept: 'image/png' });
    if (response.status === 404) return skip(name, `GET ${url.pathname}: 404, this agent has no chart.png`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
      return fail(name, `GET ${url.pathname}: ${response.status} ${response.headers.get('content-type')}, not a PNG`);
    }
    return pass(name, `GET ${url.pathname}: 200 image/png, ${bytes.length} bytes`);
  } catch (error) {
    return fail(name, `GET ${url.href}: ${(error as Error).message}`);
  }
}

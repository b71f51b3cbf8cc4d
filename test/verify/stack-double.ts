/**
 * An in-process double of a deployed stack for the verify unit tests: one HTTP server playing the
 * agent (page, data, PNG, service graph), Zipkin (trace lookup) and Prometheus (query, exemplars),
 * built from the trace contexts it receives. Flags make each part misbehave.
 */
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';

export interface StackFaults {
  /** Zipkin loses monitor-test's SERVER span. */
  dropTestSpan?: boolean;
  /** A sidecar CLIENT/SERVER pair between the agent and monitor-test, as a mesh adds. */
  sidecar?: boolean;
  /** Prometheus never sees monitor-test's requests. */
  testNotScraped?: boolean;
  /** The agent serves /chart.png. */
  png?: boolean;
  /** The agent has no PROMETHEUS_URL: its graph answers 503. */
  noGraph?: boolean;
}

interface Span {
  traceId: string;
  id: string;
  parentId?: string;
  kind: string;
  localEndpoint: { serviceName: string };
  tags?: Record<string, string>;
}

const id = () => randomBytes(8).toString('hex');

export interface StackDouble {
  url: string;
  close(): Promise<void>;
}

export async function startStackDouble(faults: StackFaults = {}): Promise<StackDouble> {
  const traces = new Map<string, Span[]>();
  let agentCount = 0;
  let testCount = 0;
  let lastTrace = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://double');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><script src="assets/vendor/plotly.js"></script>');
    } else if (url.pathname === '/api/metrics') {
      agentCount++;
      if (!faults.testNotScraped) testCount++;
      const [, traceId, parent] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(req.headers.traceparent)) ?? [];
      if (traceId && parent) {
        const server_ = { traceId, id: id(), parentId: parent, kind: 'SERVER', localEndpoint: { serviceName: 'k8s-app-monitor-agent' } };
        const client = { traceId, id: id(), parentId: server_.id, kind: 'CLIENT', localEndpoint: { serviceName: 'k8s-app-monitor-agent' }, tags: { 'server.address': 'upstream.local' } };
        const sidecar = { traceId, id: id(), parentId: client.id, kind: 'SERVER', localEndpoint: { serviceName: 'istio-proxy' } };
        const test = { traceId, id: id(), parentId: faults.sidecar ? sidecar.id : client.id, kind: 'SERVER', localEndpoint: { serviceName: 'k8s-app-monitor-test' } };
        traces.set(traceId, [server_, client, ...(faults.sidecar ? [sidecar] : []), ...(faults.dropTestSpan ? [] : [test])]);
        lastTrace = traceId;
      }
      json(200, { performance_index: { failRatio: 0 }, host: 'double-host', app_name: 'test-app', domain: 'test-domain' });
    } else if (url.pathname === '/chart.png') {
      if (!faults.png) return json(404, { error: 'not_found', message: 'no such route' });
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
    } else if (url.pathname.startsWith('/api/v2/trace/')) {
      const spans = traces.get(url.pathname.slice('/api/v2/trace/'.length));
      if (!spans) return json(404, []);
      json(200, spans);
    } else if (url.pathname === '/api/v1/query') {
      const q = url.searchParams.get('query') ?? '';
      const value = q.includes('app="k8s-app-monitor-agent"') ? agentCount : testCount;
      json(200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [Date.now() / 1000, String(value)] }] } });
    } else if (url.pathname === '/api/v1/query_exemplars') {
      json(200, { status: 'success', data: lastTrace ? [{ seriesLabels: {}, exemplars: [{ labels: { trace_id: lastTrace }, value: '0.01', timestamp: Date.now() / 1000 }] }] : [] });
    } else if (url.pathname === '/servicegraph/graph') {
      if (faults.noGraph) return json(503, { error: 'service_unavailable', message: 'the service graph needs PROMETHEUS_URL' });
      json(200, { nodes: {}, edges: [{ source: 'k8s-app-monitor-agent', target: 'upstream.local', labels: { 'reqs/sec': agentCount > 0 ? '0.500000' : '0.000000' } }] });
    } else json(404, { error: 'not_found', message: 'no such route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

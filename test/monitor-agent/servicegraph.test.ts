import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/monitor-agent/app.js';
import { render } from '../../src/shared/telemetry/exposition.js';
import { monitorAgentFixture, startServer } from '../helpers/fixtures.js';

type Sample = { metric: Record<string, string>; value: [number, string] };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A Prometheus double: answers the mesh query and the client-metrics query from fixtures. */
async function fakePrometheus(answers: { mesh?: Sample[]; client?: Sample[]; status?: number }) {
  const queries: string[] = [];
  const server = await startServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    queries.push(query);
    const result = query.includes('istio_requests_total') ? (answers.mesh ?? []) : (answers.client ?? []);
    res.writeHead(answers.status ?? 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answers.status ? { status: 'error', error: 'parse error' } : { status: 'success', data: { resultType: 'vector', result } }));
  });
  cleanups.push(server.close);
  return { url: server.url, queries };
}

function agent(env: Record<string, string>) {
  return agentWithMetrics(env).http;
}

function agentWithMetrics(env: Record<string, string>) {
  const { config, deps } = monitorAgentFixture(undefined, env);
  return { http: request(createApp(config, deps).callback()), registry: deps.metrics.registry };
}

/** A Prometheus double answering every query with the given raw body. */
async function rawPrometheus(body: string) {
  let queries = 0;
  const server = await startServer((_req, res) => {
    queries++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  cleanups.push(server.close);
  return { url: server.url, queries: () => queries };
}

const mesh = (source: string, destination: string, rate: string): Sample => ({
  metric: { source_workload: source, destination_workload: destination, source_app: source, destination_app: destination },
  value: [1, rate],
});

describe('service graph', () => {
  it("builds the edges from Istio metrics, in the old addon's JSON shape", async () => {
    const prometheus = await fakePrometheus({ mesh: [mesh('istio-ingressgateway', 'k8s-app-monitor-agent', '2.5'), mesh('k8s-app-monitor-agent', 'k8s-app-monitor-test', '2.25')] });
    const res = await agent({ PROMETHEUS_URL: prometheus.url.href }).get('/servicegraph/graph').expect(200);
    expect(res.headers['x-graph-source']).toBe('istio');
    expect(res.body).toEqual({
      nodes: { 'istio-ingressgateway': {}, 'k8s-app-monitor-agent': {}, 'k8s-app-monitor-test': {} },
      edges: [
        { source: 'istio-ingressgateway', target: 'k8s-app-monitor-agent', labels: { 'reqs/sec': '2.500000', 'errors/sec': '0.000000' } },
        { source: 'k8s-app-monitor-agent', target: 'k8s-app-monitor-test', labels: { 'reqs/sec': '2.250000', 'errors/sec': '0.000000' } },
      ],
    });
    expect(prometheus.queries).toEqual(['sum(rate(istio_requests_total{reporter="destination"}[5m])) by (source_workload, destination_workload, source_app, destination_app, response_code)']);
  });

  it("falls back to the services' client metrics without a mesh", async () => {
    const prometheus = await fakePrometheus({ client: [{ metric: { app: 'k8s-app-monitor-agent', job: 'x', server_address: 'k8s-app-monitor-test' }, value: [1, '0.5'] }] });
    const res = await agent({ PROMETHEUS_URL: prometheus.url.href }).get('/k8s-app-monitor-agent/servicegraph/graph?time_horizon=1h').expect(200);
    expect(res.headers['x-graph-source']).toBe('client-metrics');
    expect(res.body.edges).toEqual([{ source: 'k8s-app-monitor-agent', target: 'k8s-app-monitor-test', labels: { 'reqs/sec': '0.500000', 'errors/sec': '0.000000' } }]);
    expect(prometheus.queries[1]).toBe('sum(rate(http_client_request_duration_seconds_count[1h])) by (app, job, server_address, http_response_status_code, error_type)');
  });

  it('counts the 5xx answers (mesh) and the failed calls (client metrics) of an edge as errors/sec', async () => {
    const code = (source: string, destination: string, response_code: string, rate: string): Sample => ({ metric: { ...mesh(source, destination, rate).metric, response_code }, value: [1, rate] });
    const meshed = await fakePrometheus({ mesh: [code('a', 'b', '200', '1.5'), code('a', 'b', '503', '0.5'), code('a', 'b', '404', '0.25')] });
    expect((await agent({ PROMETHEUS_URL: meshed.url.href }).get('/servicegraph/graph').expect(200)).body.edges).toEqual([
      { source: 'a', target: 'b', labels: { 'reqs/sec': '2.250000', 'errors/sec': '0.500000' } },
    ]);
    const client = (http_response_status_code: string, error_type: string, rate: string): Sample => ({
      metric: { app: 'agent', server_address: 'test', http_response_status_code, error_type },
      value: [1, rate],
    });
    const plain = await fakePrometheus({ client: [client('200', '', '1'), client('500', 'http_status', '0.25'), client('', 'timeout', '0.125')] });
    expect((await agent({ PROMETHEUS_URL: plain.url.href }).get('/servicegraph/graph').expect(200)).body.edges).toEqual([
      { source: 'agent', target: 'test', labels: { 'reqs/sec': '1.375000', 'errors/sec': '0.375000' } },
    ]);
  });

  it('drops idle edges with filter_empty=true, and scopes the mesh query to SERVICEGRAPH_NAMESPACE', async () => {
    const prometheus = await fakePrometheus({ mesh: [mesh('a', 'b', '0'), mesh('b', 'c', '1')] });
    const http = agent({ PROMETHEUS_URL: prometheus.url.href, SERVICEGRAPH_NAMESPACE: 'k8s-app-monitor' });
    expect((await http.get('/servicegraph/graph').expect(200)).body.edges).toHaveLength(2);
    const filtered = await http.get('/servicegraph/graph?filter_empty=true').expect(200);
    expect(filtered.body).toEqual({ nodes: { b: {}, c: {} }, edges: [{ source: 'b', target: 'c', labels: { 'reqs/sec': '1.000000', 'errors/sec': '0.000000' } }] });
    expect(prometheus.queries[0]).toContain('destination_workload_namespace="k8s-app-monitor"');
  });

  it('serves Graphviz DOT with names escaped', async () => {
    const prometheus = await fakePrometheus({ mesh: [mesh('evil"name\\', 'k8s-app-monitor-test', '1')] });
    const res = await agent({ PROMETHEUS_URL: prometheus.url.href })
      .get('/servicegraph/dotgraph')
      .expect(200)
      .expect('Content-Type', /text\/vnd\.graphviz/);
    expect(res.text).toBe(
      ['digraph "istio-servicegraph" {', '  "evil\\"name\\\\";', '  "k8s-app-monitor-test";', '  "evil\\"name\\\\" -> "k8s-app-monitor-test" [label="reqs/sec: 1.000000"];', '}', ''].join('\n'),
    );
  });

  it.each([
    ['time_horizon=5%20m', 'time_horizon must be a Prometheus duration such as 30s, 5m or 1h'],
    ['time_horizon=0s', 'time_horizon must be a Prometheus duration such as 30s, 5m or 1h'],
    ['time_horizon=5m])%20or%20vector(1', 'time_horizon must be a Prometheus duration such as 30s, 5m or 1h'],
    ['filter_empty=yes', 'filter_empty must be true or false'],
  ])('rejects %s with 400', async (query, message) => {
    const prometheus = await fakePrometheus({});
    const res = await agent({ PROMETHEUS_URL: prometheus.url.href }).get(`/servicegraph/graph?${query}`).expect(400);
    expect(res.body).toEqual({ error: 'Bad Request', message });
    expect(prometheus.queries).toEqual([]);
  });

  it('answers 503 without PROMETHEUS_URL, and 502 when Prometheus is down or refuses the query', async () => {
    expect((await agent({}).get('/servicegraph/graph').expect(503)).body).toEqual({ error: 'Service Unavailable', message: 'the service graph needs PROMETHEUS_URL' });
    const gone = await startServer(() => {});
    await gone.close();
    const down = await agent({ PROMETHEUS_URL: gone.url.href }).get('/servicegraph/dotgraph').expect(502);
    expect(down.body.message).toBe('Prometheus is unreachable (ECONNREFUSED)');
    const refusing = await fakePrometheus({ status: 400 });
    // Prometheus's own error text ("parse error") stays in the agent's log, never in the answer.
    const refused = await agent({ PROMETHEUS_URL: refusing.url.href }).get('/servicegraph/graph').expect(502);
    expect(refused.body).toEqual({ error: 'Bad Gateway', message: 'Prometheus rejected the query (400)' });
    expect(refused.text).not.toContain('parse error');
  });

  it('runs identical concurrent graph queries once, and reuses the answer briefly', async () => {
    const prometheus = await fakePrometheus({ mesh: [mesh('a', 'b', '1')] });
    const http = agent({ PROMETHEUS_URL: prometheus.url.href });
    const answers = await Promise.all(Array.from({ length: 40 }, () => http.get('/servicegraph/graph')));
    for (const answer of answers) expect(answer.body.edges).toEqual([{ source: 'a', target: 'b', labels: { 'reqs/sec': '1.000000', 'errors/sec': '0.000000' } }]);
    await http.get('/k8s-app-monitor-agent/servicegraph/dotgraph').expect(200);
    expect(prometheus.queries).toHaveLength(1);
    // Another query is another question.
    await http.get('/servicegraph/graph?time_horizon=1h').expect(200);
    expect(prometheus.queries).toHaveLength(2);
  });

  it('traces and times its Prometheus calls with a CLIENT span and the client histogram', async () => {
    const prometheus = await fakePrometheus({ mesh: [mesh('a', 'b', '1')] });
    const { http, registry } = agentWithMetrics({ PROMETHEUS_URL: `http://user:s3cret@${prometheus.url.host}/` });
    await http.get('/servicegraph/graph').expect(200);
    const text = await render(registry, 'text/plain; version=0.0.4; charset=utf-8');
    expect(text).toMatch(
      new RegExp(
        `http_client_request_duration_seconds_count\\{http_request_method="GET",server_address="127\\.0\\.0\\.1",server_port="${prometheus.url.port}",http_response_status_code="200",error_type=""\\} 1`,
      ),
    );
  });

  it.each([
    ['a null entry', '{"status":"success","data":{"resultType":"vector","result":[null]}}'],
    ['an entry without a value', '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"source_workload":"a"}}]}}'],
    ['a label that is not a string', '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"source_workload":7},"value":[1,"1"]}]}}'],
    ['a value that is not a pair', '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":"1"}]}}'],
    ['no data', '{"status":"success"}'],
  ])('answers 502 JSON to %s from Prometheus', async (_what, body) => {
    const prometheus = await rawPrometheus(body);
    const res = await agent({ PROMETHEUS_URL: prometheus.url.href }).get('/servicegraph/graph').expect(502);
    expect(res.body).toEqual({ error: 'Bad Gateway', message: 'Prometheus sent a malformed answer' });
  });

  it('keeps a workload named __proto__ as a node', async () => {
    const prometheus = await rawPrometheus(
      JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { source_workload: '__proto__', destination_workload: 'b' }, value: [1, '1'] }] } }),
    );
    const res = await agent({ PROMETHEUS_URL: prometheus.url.href }).get('/servicegraph/graph').expect(200);
    expect(JSON.parse(res.text).nodes).toEqual(JSON.parse('{"__proto__":{},"b":{}}'));
    expect(Object.keys(JSON.parse(res.text).nodes)).toEqual(['__proto__', 'b']);
  });

  it('replaces control characters in names, so Graphviz can read the DOT', async () => {
    const prometheus = await fakePrometheus({ mesh: [mesh('a\u0000b\u001bc\u007f', 'd\ne', '1')] });
    const res = await agent({ PROMETHEUS_URL: prometheus.url.href }).get('/servicegraph/dotgraph').expect(200);
    expect(res.text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(res.text).toContain('"a b c " -> "d e"');
  });

  it('serves its page at each base, with relative URLs only', async () => {
    for (const path of ['/servicegraph', '/k8s-app-monitor-agent/servicegraph']) {
      const page = await agent({}).get(path).expect(200).expect('Content-Type', /html/);
      const urls = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(urls).toContain('assets/servicegraph.js');
      for (const url of urls) expect(url).not.toMatch(/^(\/|[a-z]+:)/);
    }
  });
});

/**
 * Every panel query of the dashboards, and the service graph, evaluated by a real Prometheus:
 * the service dashboards against live traffic (with errors) from the real services; the mesh
 * dashboard and the mesh service graph against Istio-shaped series backfilled with promtool.
 * A query that parses but returns nothing fails, naming its dashboard and panel.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDashboard, MESH_DASHBOARDS, panelQueries, SERVICE_DASHBOARDS } from '../manifests/dashboards.js';
import { browserAvailable, launchBrowser } from './browser.js';
import { istioOpenMetrics } from './istio-series.js';
import { driveDashboardTraffic, startDashboardServices } from './dashboard-traffic.js';
import { freePort, startMonitorAgent, stopAll } from '../helpers/processes.js';
import { realToolsAvailable, startPrometheus, type Prometheus } from '../helpers/servers.js';

afterAll(stopAll);

async function emptyPanels(prometheus: Prometheus, queries: { panel: string; expr: string }[], time?: number): Promise<string[]> {
  const empty: string[] = [];
  for (const { panel, expr } of queries) {
    const result = await prometheus.query(expr, time).catch((error: Error) => error);
    if (result instanceof Error) empty.push(`${panel}: ${result.message}`);
    else if (result.length === 0) empty.push(`${panel}: no series for ${expr}`);
  }
  return empty;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!realToolsAvailable())('dashboards and the service graph on a real Prometheus', () => {
  it('returns data for every panel of the service dashboards, and the agent → test edge, from live traffic', async () => {
    const prometheusPort = await freePort();
    const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    const services = await startDashboardServices({}, { PROMETHEUS_URL: prometheusUrl });
    const { agent } = services;
    const prometheus = await startPrometheus(services.targets, { port: prometheusPort });
    await driveDashboardTraffic(services, 8000);
    await sleep(2500); // two more scrapes
    for (const path of SERVICE_DASHBOARDS) {
      const queries = panelQueries(loadDashboard(path), { rateInterval: '30s', interval: '5s' });
      expect(queries.length).toBeGreaterThan(20);
      expect(await emptyPanels(prometheus, queries)).toEqual([]);
    }

    const graph = await fetch(`${agent.url}/servicegraph/graph?time_horizon=1m&filter_empty=true`);
    expect(graph.headers.get('x-graph-source')).toBe('client-metrics');
    const body = (await graph.json()) as { edges: { source: string; target: string; labels: { 'reqs/sec': string } }[] };
    const edge = body.edges.find((e) => e.source === 'k8s-app-monitor-agent' && e.target === '127.0.0.1');
    expect(Number(edge?.labels['reqs/sec'])).toBeGreaterThan(0);

  }, 90_000);

  it('returns data for every panel of the mesh dashboard, and the mesh edge agent → test, from backfilled Istio series', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'istio-backfill-'));
    const now = Math.floor(Date.now() / 1000);
    writeFileSync(join(dir, 'istio.om'), istioOpenMetrics(now - 2, 50, 10));
    execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'istio.om'), join(dir, 'data')], { stdio: 'ignore' });
    const prometheus = await startPrometheus([], { dataDir: join(dir, 'data') });
    for (const path of MESH_DASHBOARDS) {
      const queries = panelQueries(loadDashboard(path), { rateInterval: '1m', interval: '15s' });
      expect(queries.length).toBeGreaterThan(6);
      expect(await emptyPanels(prometheus, queries, now - 5)).toEqual([]);
    }
    const share = await prometheus.query('sum(rate(istio_requests_total{reporter="destination",connection_security_policy="mutual_tls"}[5m])) / sum(rate(istio_requests_total{reporter="destination"}[5m]))', now - 5);
    expect(Number(share[0]?.value[1])).toBe(1);

    const agent = await startMonitorAgent(await freePort(), { PROMETHEUS_URL: prometheus.url, SERVICEGRAPH_NAMESPACE: 'k8s-app-monitor' });
    const graph = await fetch(`${agent.url}/servicegraph/graph`);
    expect(graph.headers.get('x-graph-source')).toBe('istio');
    const body = (await graph.json()) as { edges: { source: string; target: string; labels: { 'reqs/sec': string } }[] };
    expect(body.edges.map((e) => `${e.source} -> ${e.target}`)).toEqual(['istio-ingressgateway -> k8s-app-monitor-agent', 'k8s-app-monitor-agent -> k8s-app-monitor-test']);
    expect(Number(body.edges[1]!.labels['reqs/sec'])).toBeCloseTo(2, 1);
    const dot = await (await fetch(`${agent.url}/servicegraph/dotgraph`)).text();
    expect(dot).toContain('"k8s-app-monitor-agent" -> "k8s-app-monitor-test" [label="reqs/sec: 2.');
    if (browserAvailable()) {
      // The README's picture of the service graph page, taken on these data.
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 400 } });
        await page.goto(`${agent.url}/k8s-app-monitor-agent/servicegraph`);
        await page.waitForSelector('#graph[data-state="ok"] .edge');
        expect(await page.locator('#graph .node text').allTextContents()).toEqual(['istio-ingressgateway', 'k8s-app-monitor-agent', 'k8s-app-monitor-test']);
        expect(await page.locator('#graph .edge-label').allTextContents()).toEqual(['2.00 req/s', '2.00 req/s']);
        mkdirSync('test-results', { recursive: true });
        await page.screenshot({ path: 'test-results/servicegraph.png' });
      } finally {
        await browser.close();
      }
    }
  }, 90_000);
});

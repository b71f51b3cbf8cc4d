/**
 * Every panel query of the dashboards, as the dashboard checker expands it for Grafana's range
 * queries, run as a range query on a real Prometheus 3, and the service graph: the service
 * dashboards against live traffic (with errors) from the real services; the mesh dashboard and the
 * mesh service graph against Istio-shaped series backfilled with promtool. A query that returns
 * nothing fails, naming its dashboard and panel. Each dashboard is then drawn by
 * `npm run dashboards:preview` from the same Prometheus (test-results/dashboards/).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkDashboards, dashboardCheck, MESH_DASHBOARDS, SERVICE_DASHBOARDS, type QueryWindow } from '../manifests/dashboards.js';
import { ROOT } from '../helpers/paths.js';
import { findTool } from '../helpers/tools.js';
import { browserAvailable, launchBrowser } from './browser.js';
import { istioOpenMetrics } from './istio-series.js';
import { driveDashboardTraffic, startDashboardServices } from './dashboard-traffic.js';
import { freePort, startMonitorAgent, stopAll } from '../helpers/processes.js';
import { realToolsAvailable, startPrometheus, type Prometheus } from '../helpers/servers.js';

afterAll(stopAll);

const provisioned = (parse(readFileSync(join(ROOT, 'compose/grafana/provisioning/datasources/datasources.yaml'), 'utf8')) as { datasources: { uid: string }[] }).datasources.map((d) => d.uid);

/**
 * Runs each panel target of the files, expanded for `window`, as a range query over the window's
 * range up to `end`; returns what failed or came back empty ("dashboard / panel: why"). Also
 * checks each panel's datasource is the provisioned one.
 */
async function emptyPanels(prometheus: Prometheus, files: string[], window: QueryWindow, end: number): Promise<{ targets: number; empty: string[] }> {
  const { dashboards, errors } = checkDashboards(dashboardCheck()!, files, window);
  expect(errors).toEqual([]);
  const empty: string[] = [];
  let targets = 0;
  const rangeSeconds = Number.parseInt(window.range, 10) * 60; // the windows here are in minutes
  for (const dashboard of dashboards) {
    for (const panel of dashboard.panels) {
      expect(provisioned, `${dashboard.title} / ${panel.title}`).toContain(panel.datasource.uid);
      for (const { expr } of panel.targets) {
        targets++;
        const result = await prometheus.queryRange(expr, end - rangeSeconds, end, window.interval).catch((error: Error) => error);
        if (result instanceof Error) empty.push(`${dashboard.title} / ${panel.title}: ${result.message}`);
        else if (!result.some((series) => series.values.length > 0)) empty.push(`${dashboard.title} / ${panel.title}: no data for ${expr}`);
      }
    }
  }
  return { targets, empty };
}

/** npm run dashboards:preview against the Prometheus; each PNG it writes is checked to be one. */
function preview(prometheus: Prometheus, window: QueryWindow, files: string[]): void {
  const out = join(ROOT, 'test-results/dashboards');
  const run = spawnSync(
    'npm',
    [
      'run',
      '--silent',
      'dashboards:preview',
      '--',
      '--prometheus',
      prometheus.url,
      '--out',
      out,
      '--range',
      window.range,
      '--step',
      window.interval,
      '--scrape-interval',
      window.scrapeInterval,
      ...files,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).not.toContain('no data');
  const written = run.stdout
    .trim()
    .split('\n')
    .map((line) => line.split(':')[0]!);
  expect(written).toHaveLength(files.length);
  for (const file of written) expect(readFileSync(file).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
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
    // Prometheus scrapes every second here; Grafana would step a 1-minute view by 5 s.
    const window = { interval: '5s', scrapeInterval: '1s', range: '1m' };
    const { targets, empty } = await emptyPanels(prometheus, SERVICE_DASHBOARDS, window, Date.now() / 1000);
    expect(targets).toBeGreaterThan(20);
    expect(empty).toEqual([]);
    preview(prometheus, window, SERVICE_DASHBOARDS);

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
    execFileSync(findTool('promtool')!, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'istio.om'), join(dir, 'data')], { stdio: 'ignore' });
    const prometheus = await startPrometheus([], { dataDir: join(dir, 'data') });
    // The backfilled series are 10 s apart: a 15 s scrape interval makes $__rate_interval 1m.
    const window = { interval: '15s', scrapeInterval: '15s', range: '5m' };
    const { targets, empty } = await emptyPanels(prometheus, MESH_DASHBOARDS, window, now - 5);
    expect(targets).toBeGreaterThan(6);
    expect(empty).toEqual([]);
    preview(prometheus, window, MESH_DASHBOARDS);
    const share = await prometheus.query(
      'sum(rate(istio_requests_total{reporter="destination",connection_security_policy="mutual_tls"}[5m])) / sum(rate(istio_requests_total{reporter="destination"}[5m]))',
      now - 5,
    );
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

/**
 * The dashboards in a real Grafana (see grafana.ts), provisioned from the project's own files,
 * over a real Prometheus scraping the running services (plus Istio-shaped series backfilled for
 * the mesh dashboard) and a real Zipkin receiving their spans:
 * - every dashboard file is listed by /api/search and provisioned;
 * - Grafana logs no provisioning error;
 * - every panel target goes through Grafana's own query path (POST /api/ds/query, the datasource
 *   by its provisioned uid), with the dashboard variables resolved through Grafana and set to
 *   what a user picks (every value the variable offers), and returns a frame with data;
 * - an exemplar's trace id, under the label the datasource's exemplar link names, opens its trace
 *   through the Zipkin datasource the link points at.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPanels, loadDashboard, MESH_DASHBOARDS, SERVICE_DASHBOARDS, type Dashboard } from '../manifests/dashboards.js';
import { grafanaAvailable, readDatasources, startGrafana, type Grafana } from './grafana.js';
import { istioOpenMetrics } from './istio-series.js';
import { driveDashboardTraffic, startDashboardServices } from './dashboard-traffic.js';
import { stopAll } from '../helpers/processes.js';
import { realToolsAvailable, startPrometheus, startZipkin, type Zipkin } from '../helpers/servers.js';

const DASHBOARDS = [...SERVICE_DASHBOARDS, ...MESH_DASHBOARDS];
/** The step Grafana gives these range queries: the Prometheus datasource's default interval. */
const STEP_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Frame { schema: { name?: string; fields: { name: string; type: string; labels?: Record<string, string> }[] }; data: { values: unknown[][] } }
interface QueryResponse { results: Record<string, { status?: number; error?: string; frames?: Frame[] }> }
interface DatasourceSettings { uid: string; type: string; name: string; jsonData: { exemplarTraceIdDestinations?: { name: string; datasourceUid: string }[] } }

/** How Grafana's Prometheus datasource writes a multi-value pick into a regex matcher: (a|b), each value escaped. */
const regexEscape = (value: string) => value.replace(/[$^*{}[\]'+?.()|\\]/g, (c) => `\\\\${c}`);
const formatPick = (values: string[]) => (values.length === 1 ? regexEscape(values[0]!) : `(${values.map(regexEscape).join('|')})`);

const substitute = (text: string, values: Record<string, string>) =>
  Object.entries(values).reduce((t, [name, value]) => t.replaceAll(`\${${name}}`, value).replaceAll(`$${name}`, value), text);

/** Whether a range query stepped and aligned as Grafana's (15 s) finds a request rate in the last 5 minutes. */
async function hasRateAtStep(prometheusUrl: string): Promise<boolean> {
  const end = Math.floor(Date.now() / STEP_MS) * (STEP_MS / 1000);
  const params = new URLSearchParams({ query: 'sum(rate(http_server_request_duration_seconds_count[1m]))', start: String(end - 300), end: String(end), step: String(STEP_MS / 1000) });
  const body = (await (await fetch(`${prometheusUrl}/api/v1/query_range?${params}`)).json()) as { data?: { result?: { values: [number, string][] }[] } };
  return (body.data?.result ?? []).some(({ values }) => values.some(([, value]) => Number(value) > 0));
}

const hasData = (frame: Frame) =>
  frame.schema.fields.some((field, i) => field.type === 'number' && (frame.data.values[i] ?? []).some((v) => typeof v === 'number' && Number.isFinite(v)));

describe.skipIf(!realToolsAvailable() || !grafanaAvailable())('the dashboards in a real Grafana', () => {
  let grafana: Grafana;
  let zipkin: Zipkin;
  const window = { from: '', to: '' };

  beforeAll(async () => {
    zipkin = await startZipkin();
    const tracing = { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint, OTEL_BSP_SCHEDULE_DELAY: '200' };
    const services = await startDashboardServices(tracing);
    // The mesh dashboard's Istio series, backfilled into the same Prometheus that scrapes the services.
    const dir = mkdtempSync(join(tmpdir(), 'grafana-prometheus-'));
    const now = Math.floor(Date.now() / 1000);
    writeFileSync(join(dir, 'istio.om'), istioOpenMetrics(now - 2, 10, 10));
    execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'istio.om'), join(dir, 'data')], { stdio: 'ignore' });
    const prometheus = await startPrometheus(services.targets, { dataDir: join(dir, 'data') });
    // Grafana starts (and migrates its database) while the traffic runs.
    const started = startGrafana({ prometheus: prometheus.url, zipkin: zipkin.url });
    started.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    // Grafana steps range queries by the datasource's interval (15 s, the default) and aligns the
    // range to it: traffic runs until one step boundary lies at least 5 s (5 scrapes) into it.
    const trafficStart = Date.now();
    const boundary = Math.ceil((trafficStart + 5000) / STEP_MS) * STEP_MS;
    await driveDashboardTraffic(services, Math.max(10_000, boundary - trafficStart + 1000));
    await sleep(2500); // two more scrapes
    grafana = await started;
    // Grafana provisions dashboards after it answers /api/health.
    const uids = DASHBOARDS.map((path) => loadDashboard(path).uid);
    for (let i = 0; i < 120; i++) {
      const { body } = await grafana.api<{ uid: string }[]>('/api/search?type=dash-db');
      if (uids.every((uid) => body.some((d) => d.uid === uid))) break;
      await sleep(500);
    }
    // On a loaded machine scrapes can be late or time out: before asking Grafana, drive more traffic
    // until Prometheus itself has a rate at one of the step-aligned points Grafana will ask for.
    for (let i = 0; i < 12 && !(await hasRateAtStep(prometheus.url)); i++) await driveDashboardTraffic(services, 5000);
    window.from = String(Date.now() - 5 * 60_000);
    window.to = String(Date.now());
  }, 300_000);
  afterAll(async () => {
    // Grafana's log, for reading when a check fails.
    if (grafana) {
      mkdirSync('test-results', { recursive: true });
      writeFileSync('test-results/grafana.log', grafana.proc.output());
    }
    await stopAll();
  });

  const query = (queries: object[]) => grafana.api<QueryResponse>('/api/ds/query', { ...window, queries });

  /** A datasource variable picks the provisioned datasource of its type, as Grafana's own picker lists it. */
  async function datasourceUidOfType(type: string): Promise<string> {
    const { body } = await grafana.api<DatasourceSettings[]>('/api/datasources');
    const matching = body.filter((ds) => ds.type === type);
    expect(matching, `provisioned datasources of type ${type}`).toHaveLength(1);
    return matching[0]!.uid;
  }

  /** The options a query variable offers, resolved by Grafana's Prometheus datasource (label values API). */
  async function variableOptions(uid: string, definition: string): Promise<string[]> {
    const match = /^label_values\((?:(.+),\s*)?(\w+)\)$/.exec(definition.trim());
    if (!match) throw new Error(`unsupported variable query ${definition}`);
    const [, selector, label] = match;
    const params = new URLSearchParams({ start: String(Math.floor(Number(window.from) / 1000)), end: String(Math.floor(Number(window.to) / 1000)) });
    if (selector) params.append('match[]', selector);
    const { status, body } = await grafana.api<{ data: string[] }>(`/api/datasources/uid/${uid}/resources/api/v1/label/${label}/values?${params}`);
    expect(status, `${definition}: ${JSON.stringify(body)}`).toBe(200);
    return body.data;
  }

  /** The variables set as a user sets them: the datasource of its type, each query variable to every value it offers. */
  async function pickVariables(dashboard: Dashboard): Promise<Record<string, string>> {
    const values: Record<string, string> = {};
    for (const variable of dashboard.templating.list) {
      if (variable.type === 'datasource') values[variable.name] = await datasourceUidOfType(variable.query as string);
      else if (variable.type === 'query') {
        const definition = substitute((variable.query as { query: string }).query, values);
        const options = await variableOptions(substitute(variable.datasource!.uid, values), definition);
        expect(options.length, `variable ${variable.name} (${definition}) offers no value`).toBeGreaterThan(0);
        values[variable.name] = formatPick(options);
      }
    }
    return values;
  }

  it('lists every dashboard file in /api/search, provisioned, with its schema as written', async () => {
    const { body: found } = await grafana.api<{ uid: string; title: string; type: string }[]>('/api/search?type=dash-db');
    for (const path of DASHBOARDS) {
      const file = loadDashboard(path);
      expect(found.map((d) => d.uid), path).toContain(file.uid);
      const { status, body } = await grafana.api<{ meta: { provisioned: boolean; folderTitle: string }; dashboard: { schemaVersion: number; panels: unknown[] } }>(`/api/dashboards/uid/${file.uid}`);
      expect(status).toBe(200);
      expect(body.meta.provisioned).toBe(true);
      expect(body.meta.folderTitle).toBe('k8s-app-monitor');
      expect(body.dashboard.panels).toHaveLength(file.panels.length);
    }
  });

  it('logs no provisioning error, and no error but the missing frontend build', () => {
    const log = grafana.proc.output().split('\n');
    // This Grafana logs provisioning problems (a bad file, a dashboard it cannot save) at warn or error.
    expect(log.filter((line) => /logger=provisioning/.test(line) && /level=(warn|error|crit)/.test(line))).toEqual([]);
    // No frontend is built (infra/tools/grafana.sh): the one error it logs, and all the API needs.
    expect(log.filter((line) => /level=(error|crit)/.test(line) && !line.includes('Failed to detect generated javascript files in public/build'))).toEqual([]);
    for (const { uid } of readDatasources().datasources) expect(log.some((line) => line.includes('inserting datasource from configuration') && line.includes(`uid=${uid}`)), uid).toBe(true);
  });

  it('answers every panel target through POST /api/ds/query with a frame with data', async () => {
    const empty: string[] = [];
    let proven = 0;
    for (const path of DASHBOARDS) {
      const dashboard = loadDashboard(path);
      const values = await pickVariables(dashboard);
      for (const panel of allPanels(dashboard)) {
        for (const target of panel.targets ?? []) {
          const datasource = target.datasource ?? panel.datasource!;
          const uid = substitute(datasource.uid, values);
          const ask = () => query([{ refId: target.refId, datasource: { type: datasource.type, uid }, expr: substitute(target.expr, values), range: true, instant: false, exemplar: false, intervalMs: STEP_MS, maxDataPoints: 300 }]);
          let { status, body } = await ask();
          // A loaded machine can leave the newest step without a second scrape yet: the next step
          // (at most 15 s on) must have data, or the panel really is empty.
          for (let retry = 0; retry < 8 && status === 200 && !(body.results?.[target.refId]?.frames ?? []).some(hasData); retry++) {
            await sleep(2500);
            window.to = String(Date.now());
            ({ status, body } = await ask());
          }
          const result = body.results?.[target.refId];
          const where = `${dashboard.title} / ${panel.title} (${target.refId})`;
          if (status !== 200 || result?.error) empty.push(`${where}: ${status} ${result?.error ?? JSON.stringify(body).slice(0, 300)}`);
          else if (!(result?.frames ?? []).some(hasData)) empty.push(`${where}: no frame with data`);
          else proven++;
        }
      }
    }
    expect(empty).toEqual([]);
    const targets = DASHBOARDS.flatMap((path) => allPanels(loadDashboard(path)).flatMap((p) => p.targets ?? []));
    expect(proven).toBe(targets.length); // 26 service and 8 mesh targets today
    console.info(`grafana: ${proven} panel targets answered with data through /api/ds/query`);
  }, 120_000);

  it('links exemplars to the provisioned Zipkin by the label our exemplars carry, and Zipkin answers for that trace', async () => {
    const provisioned = readDatasources().datasources;
    const promUid = provisioned.find((ds) => ds.type === 'prometheus')!.uid;
    const { body: prom } = await grafana.api<DatasourceSettings>(`/api/datasources/uid/${promUid}`);
    const destinations = prom.jsonData.exemplarTraceIdDestinations ?? [];
    expect(destinations).toHaveLength(1);
    const [destination] = destinations;
    const { status, body: target } = await grafana.api<DatasourceSettings>(`/api/datasources/uid/${destination!.datasourceUid}`);
    expect(status).toBe(200);
    expect(target.type).toBe('zipkin');

    // The latency panel's exemplars, through Grafana: a frame of exemplars with the label the link reads.
    const dashboard = loadDashboard(SERVICE_DASHBOARDS[0]!);
    const latency = allPanels(dashboard).flatMap((p) => p.targets ?? []).find((t) => t.exemplar)!;
    const values = await pickVariables(dashboard);
    const { body } = await query([{ refId: 'A', datasource: { type: 'prometheus', uid: promUid }, expr: substitute(latency.expr, values), range: true, instant: false, exemplar: true, intervalMs: STEP_MS, maxDataPoints: 300 }]);
    const exemplars = (body.results.A?.frames ?? []).find((f) => f.schema.name === 'exemplar');
    expect(exemplars, JSON.stringify(body).slice(0, 500)).toBeDefined();
    const column = exemplars!.schema.fields.findIndex((f) => f.name === destination!.name);
    expect(column, `exemplar fields ${exemplars!.schema.fields.map((f) => f.name)}`).toBeGreaterThanOrEqual(0);
    const traceIds = (exemplars!.data.values[column] as string[]).filter(Boolean);
    expect(traceIds.length).toBeGreaterThan(0);
    expect(traceIds[0]).toMatch(/^[0-9a-f]{32}$/);

    // The 2023 Zipkin datasource queries from the browser through Grafana's datasource proxy; this is that request.
    let spans: { traceId: string; localEndpoint?: { serviceName: string } }[] = [];
    for (let i = 0; i < 40 && spans.length === 0; i++) {
      const trace = await grafana.api<typeof spans>(`/api/datasources/proxy/uid/${target.uid}/api/v2/trace/${traceIds.at(-1)}`);
      if (trace.status === 200) spans = trace.body;
      else await sleep(250);
    }
    expect(spans.length).toBeGreaterThan(0);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceIds.at(-1)]));
    expect(spans.map((s) => s.localEndpoint?.serviceName)).toEqual(expect.arrayContaining([expect.stringMatching(/^k8s-app-monitor-(test|agent)$/)]));
    void zipkin;
  }, 60_000);
});

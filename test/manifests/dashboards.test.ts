import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allPanels, checkDashboards, dashboardCheck, loadDashboard, MESH_DASHBOARDS, SERVICE_DASHBOARDS, type Dashboard, type Panel } from './dashboards.js';
import { ROOT } from '../helpers/paths.js';

const provisioned = (parse(readFileSync(join(ROOT, 'compose/grafana/provisioning/datasources/datasources.yaml'), 'utf8')) as { datasources: { uid: string; type: string }[] }).datasources;
const ALL = [...SERVICE_DASHBOARDS, ...MESH_DASHBOARDS];
const WINDOW = { interval: '15s', scrapeInterval: '15s', range: '1h' };

describe('the dashboard checker (Grafana schema from grafana-foundation-sdk, the PromQL parser of Prometheus 3)', () => {
  const bin = dashboardCheck();

  it.runIf(bin)('passes every dashboard, each non-row panel with a target expanded to plain PromQL on the provisioned datasource', () => {
    const { dashboards, errors, status } = checkDashboards(bin!, ALL, WINDOW);
    expect(errors).toEqual([]);
    expect(status).toBe(0);
    expect(dashboards.map((d) => d.uid)).toEqual(ALL.map((path) => loadDashboard(path).uid));
    for (const dashboard of dashboards) {
      for (const panel of dashboard.panels) {
        expect(panel.targets.length, panel.title).toBeGreaterThan(0);
        expect(provisioned.find((d) => d.uid === panel.datasource.uid)?.type, panel.title).toBe('prometheus');
        for (const { expr } of panel.targets) expect(expr, panel.title).not.toMatch(/\$/);
      }
    }
  });

  // Each mutation, written to a file of its own, must fail the checker with a line that names it.
  const target = (d: Dashboard): NonNullable<Panel['targets']>[number] => allPanels(d).find((p) => p.targets?.length)!.targets![0]!;
  const mutations: [string, (d: Dashboard) => void, RegExp][] = [
    ['an unknown field', (d) => Object.assign(d, { notAField: 1 }), /unexpected field 'notAField'/],
    ['an unknown target field', (d) => Object.assign(target(d), { exprr: 'up' }), /unexpected field 'exprr'/],
    ['a wrong type', (d) => Object.assign(d, { title: 42 }), /title: .*cannot unmarshal number/],
    ['a missing required field', (d) => delete (d as Partial<Dashboard>).schemaVersion, /schemaVersion: required field is missing/],
    ['a panel without its type', (d) => delete (allPanels(d).find((p) => p.targets)! as Partial<Panel>).type, /discriminator field 'type' not found/],
    [
      'PromQL that does not parse',
      (d) => {
        target(d).expr = 'sum(rate(x[5m])';
      },
      /PromQL: .*unclosed left parenthesis/,
    ],
    [
      'a variable no template defines',
      (d) => {
        target(d).expr = 'up{job="$nosuch"}';
      },
      /a variable is left after expansion/,
    ],
  ];
  it.runIf(bin).each(mutations)('rejects %s', (_name, mutate, message) => {
    const dashboard = structuredClone(loadDashboard(SERVICE_DASHBOARDS[0]!));
    mutate(dashboard);
    const file = join(mkdtempSync(join(tmpdir(), 'dashboard-')), 'mutated.json');
    writeFileSync(file, JSON.stringify(dashboard));
    const { errors, status } = checkDashboards(bin!, [file], WINDOW);
    expect(status).toBe(1);
    expect(errors.join('\n')).toMatch(message);
  });
});

describe.each([...SERVICE_DASHBOARDS, ...MESH_DASHBOARDS])('dashboard %s', (path) => {
  const dashboard = loadDashboard(path);
  const panels = allPanels(dashboard);

  it('has unique panel ids and a gridPos on every panel', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) expect(panel.gridPos, panel.title).toMatchObject({ h: expect.any(Number), w: expect.any(Number), x: expect.any(Number), y: expect.any(Number) });
    for (const panel of panels) expect(panel.gridPos!.x + panel.gridPos!.w, panel.title).toBeLessThanOrEqual(24);
  });

  it('refers to datasources only through its datasource variable, whose default provisioning pins', () => {
    const variable = dashboard.templating.list.find((v) => v.type === 'datasource');
    expect(variable).toMatchObject({ name: 'datasource', query: 'prometheus', current: { value: 'prometheus' } });
    expect(provisioned.find((d) => d.uid === 'prometheus')?.type).toBe('prometheus');
    const refs = [
      ...panels.filter((p) => p.type !== 'row').flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]),
      ...dashboard.templating.list.filter((v) => v.type === 'query').map((v) => v.datasource),
    ];
    for (const ref of refs) expect(ref).toEqual({ type: 'prometheus', uid: '${datasource}' });
  });

  it('carries no datasource name or id from another installation', () => {
    const text = JSON.stringify(dashboard);
    expect(text).not.toMatch(/\$\{DS_[A-Z_]+\}|"datasource":\s*"[^$]|__inputs|"gnetId"|Prometheus-\d/);
  });

  it('has a query in every non-row panel, each with its variables resolvable', () => {
    const names = new Set(dashboard.templating.list.map((v) => v.name));
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets!) {
        for (const [, name] of expr.matchAll(/\$(\w+)/g)) if (!name!.startsWith('__')) expect(names, `${panel.title}: $${name}`).toContain(name);
      }
    }
  });
});

describe('the services dashboard', () => {
  const dashboard = loadDashboard(SERVICE_DASHBOARDS[0]!);
  const exprs = allPanels(dashboard).flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, ...t })));

  it('covers RED, the upstream calls, the simulated metrics and the runtime', () => {
    const all = exprs.map((t) => t.expr).join('\n');
    for (const metric of [
      'http_server_request_duration_seconds_count',
      'http_server_request_duration_seconds_bucket',
      'http_client_request_duration_seconds_count',
      'http_client_request_duration_seconds_bucket',
      'simulated_app_access_amount',
      'simulated_app_fail_ratio',
      'simulated_app_avg_latency_seconds',
      'simulated_app_max_concurrent',
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_gc_duration_seconds_sum',
      'process_start_time_seconds',
      'up{',
    ]) {
      expect(all, metric).toContain(metric);
    }
  });

  it('shows exemplars on the latency panels', () => {
    const latency = exprs.filter((t) => t.expr.includes('histogram_quantile'));
    expect(latency.length).toBeGreaterThan(0);
    for (const target of latency) expect(target.exemplar, target.title).toBe(true);
  });
});

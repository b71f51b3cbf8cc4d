import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allPanels, loadDashboard, MESH_DASHBOARDS, panelQueries, SERVICE_DASHBOARDS } from './dashboards.js';
import { ROOT } from './objects.js';

const provisioned = (parse(readFileSync(join(ROOT, 'compose/grafana/provisioning/datasources/datasources.yaml'), 'utf8')) as { datasources: { uid: string; type: string }[] }).datasources;

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

  // Grafana 10.0 (the 2023 backend the Grafana system test runs) knows schemaVersion 38. Its
  // frontend runs no migration for a newer version and shows the file as written; the one
  // migration 38 → 39 rewrites the `timeSeriesTable` transformation. Without one, both load alike.
  it('is schemaVersion 39 with nothing the 38 → 39 migration changes, so Grafana 10.0 shows it as well', () => {
    expect(dashboard.schemaVersion).toBe(39);
    const transformations = allPanels(dashboard).flatMap((p) => ((p as { transformations?: { id: string }[] }).transformations ?? []).map((t) => t.id));
    expect(transformations).not.toContain('timeSeriesTable');
  });

  it('has a query in every non-row panel, each with its variables resolvable', () => {
    const names = new Set(dashboard.templating.list.map((v) => v.name));
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets!) {
        for (const [, name] of expr.matchAll(/\$(\w+)/g)) if (!name!.startsWith('__')) expect(names, `${panel.title}: $${name}`).toContain(name);
      }
    }
    expect(panelQueries(dashboard, { rateInterval: '1m', interval: '15s' }).every(({ expr }) => !expr.includes('$'))).toBe(true);
  });
});

describe('the services dashboard', () => {
  const dashboard = loadDashboard(SERVICE_DASHBOARDS[0]!);
  const exprs = allPanels(dashboard).flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, ...t })));

  it('covers RED, the upstream calls, the simulated metrics and the runtime', () => {
    const all = exprs.map((t) => t.expr).join('\n');
    for (const metric of ['http_server_request_duration_seconds_count', 'http_server_request_duration_seconds_bucket', 'http_client_request_duration_seconds_count', 'http_client_request_duration_seconds_bucket',
      'simulated_app_access_amount', 'simulated_app_fail_ratio', 'simulated_app_avg_latency_seconds', 'simulated_app_max_concurrent',
      'process_cpu_seconds_total', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_gc_duration_seconds_sum', 'process_start_time_seconds', 'up{']) {
      expect(all, metric).toContain(metric);
    }
  });

  it('shows exemplars on the latency panels', () => {
    const latency = exprs.filter((t) => t.expr.includes('histogram_quantile'));
    expect(latency.length).toBeGreaterThan(0);
    for (const target of latency) expect(target.exemplar, target.title).toBe(true);
  });
});

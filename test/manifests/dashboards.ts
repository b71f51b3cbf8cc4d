/** The Grafana dashboards of the project, and their queries with template variables filled in. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './objects.js';

export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos?: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string; datasource?: { type: string; uid: string }; exemplar?: boolean }[];
  panels?: Panel[];
}

export interface Dashboard {
  uid: string;
  schemaVersion: number;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; datasource?: { uid: string } }[] };
}

export const SERVICE_DASHBOARDS = ['dashboards/k8s-app-monitor-services.json'];
export const MESH_DASHBOARDS = ['istio/dashboards/k8s-app-monitor-mesh.json'];

export const loadDashboard = (path: string): Dashboard => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Dashboard;

export const allPanels = (dashboard: Dashboard): Panel[] => dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);

/**
 * Every query of every panel, as Grafana would send it: `$__rate_interval` and `$__interval`
 * replaced by the given windows, and each template variable by its "All" value (`.*`).
 */
export function panelQueries(dashboard: Dashboard, windows: { rateInterval: string; interval: string }): { panel: string; expr: string }[] {
  const variables = dashboard.templating.list.filter((v) => v.type === 'query').map((v) => v.name);
  return allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => {
      let expr = target.expr.replaceAll('$__rate_interval', windows.rateInterval).replaceAll('$__interval', windows.interval);
      for (const name of variables) expr = expr.replaceAll(`$${name}`, '.*').replaceAll(`\${${name}}`, '.*');
      return { panel: `${dashboard.title} / ${panel.title} (${target.refId})`, expr };
    }),
  );
}

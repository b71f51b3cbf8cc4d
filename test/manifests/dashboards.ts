/**
 * The Grafana dashboards of the project, read as files, and as infra/tools/dashboard-check sees
 * them: strictly decoded against Grafana's dashboard schema (grafana-foundation-sdk), every
 * target's variables expanded as Grafana expands them, and parsed by Prometheus's PromQL parser.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT } from '../helpers/paths.js';
import { requireTool } from '../helpers/tools.js';

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

/** One dashboard as the checker prints it: each panel's targets with their variables expanded. */
export interface CheckedDashboard {
  file: string;
  uid: string;
  title: string;
  panels: { title: string; type: string; datasource: { type?: string; uid?: string }; thresholds?: number[]; targets: { refId: string; expr: string; exemplar: boolean; legendFormat?: string }[] }[];
}

/** Grafana's interval variables for a range query: its step, the scrape interval, the range. */
export interface QueryWindow {
  interval: string;
  scrapeInterval: string;
  range: string;
}

/** The checker's binary, built (seconds, cached by the hash of its source) by its script; needs Go. */
export function dashboardCheck(): string | undefined {
  if (!requireTool('go', 'Go 1.26 (the workflow installs it; .ci/run checks for it)')) return undefined;
  return execFileSync('bash', [join(ROOT, 'infra/tools/dashboard-check.sh')], { encoding: 'utf8' }).trim();
}

/** Runs the checker; `errors` are its lines on stderr (empty when every file passes). */
export function checkDashboards(bin: string, files: string[], window: QueryWindow): { dashboards: CheckedDashboard[]; errors: string[]; status: number } {
  const args = ['-interval', window.interval, '-scrape-interval', window.scrapeInterval, '-range', window.range, ...files.map((f) => resolve(ROOT, f))];
  const run = spawnSync(bin, args, { encoding: 'utf8' });
  const errors = run.stderr.split('\n').filter(Boolean);
  return { dashboards: run.status === 64 ? [] : (JSON.parse(run.stdout) as CheckedDashboard[]), errors, status: run.status ?? -1 };
}

#!/usr/bin/env node
/**
 * npm run dashboards:preview -- --prometheus URL [--out DIR] [--range 5m] [--step 15s]
 *   [--scrape-interval 15s] [FILE...]
 *
 * What Grafana would show, without Grafana (AGPL, never run by this project): each dashboard's
 * panels, laid out by their gridPos, drawn from the real answers of a Prometheus to the panels'
 * queries, one PNG per dashboard. The queries are those infra/tools/dashboard-check prints after
 * expanding the variables as Grafana does ($__rate_interval, $__interval, $__range, template
 * defaults). The pictures are drawn with the agent's own chart rasterizer (dist/, so the task
 * builds first), which draws rectangles, axis-aligned lines and text: a series is a run of dots.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createChartRendering } from '../dist/monitor-agent/chart/render.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DASHBOARDS = ['dashboards/k8s-app-monitor-services.json', 'istio/dashboards/k8s-app-monitor-mesh.json'];
const CELL = 50; // px per grid column: 24 columns, 1200 px
const ROW = 30; // px per grid row, as Grafana
const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#db2777', '#65a30d', '#475569'];
const TEXT = '#1d2330';
const MUTED = '#6b7280';

const seconds = (duration) => {
  const match = /^(\d+)(ms|s|m|h)$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration} (e.g. 15s, 5m, 1h)`);
  return Number(match[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2]];
};

/** Each series of one range query: its legend (legendFormat filled from its labels) and points. */
async function rangeQuery(prometheus, { expr, legendFormat }, window) {
  const url = new URL('/api/v1/query_range', prometheus);
  url.search = new URLSearchParams({ query: expr, start: String(window.end - seconds(window.range)), end: String(window.end), step: window.step }).toString();
  const body = await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).json();
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data.result.map(({ metric, values }) => ({
    legend: legendFormat ? legendFormat.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, label) => metric[label] ?? '') : JSON.stringify(metric),
    points: values.map(([t, v]) => [t, Number(v)]).filter(([, v]) => Number.isFinite(v)),
  }));
}

/** An axis or stat value in at most four digits: 0.00497, 40.2, 513, 117M. */
function format(value) {
  const units = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  const [scale, unit] = units.find(([s]) => Math.abs(value) >= s * 10) ?? [1, ''];
  const scaled = value / scale;
  return `${Number.isInteger(scaled) || Math.abs(scaled) >= 100 ? scaled.toFixed(0) : scaled.toPrecision(3)}${unit}`;
}
const text = (x, y, value, size, anchor = 'start', fill = TEXT) => ({ kind: 'text', x, y, text: value, size, anchor, fill });
const clip = (value, chars) => (value.length > chars ? `${value.slice(0, chars - 1)}…` : value);

/** One panel's shapes in its box: a frame, the title, then a plot (time series) or a value (stat). */
function panelShapes(panel, series, window, box) {
  const shapes = [
    { kind: 'rect', x: box.x + 2, y: box.y + 2, width: box.width - 4, height: box.height - 4, fill: '#e3e6eb' },
    { kind: 'rect', x: box.x + 3, y: box.y + 3, width: box.width - 6, height: box.height - 6, fill: '#ffffff' },
    text(box.x + 10, box.y + 20, clip(panel.title, Math.floor(box.width / 7)), 12),
  ];
  const withData = series.filter((s) => s.points.length > 0);
  if (withData.length === 0) return [...shapes, text(box.x + box.width / 2, box.y + box.height / 2, 'No data', 14, 'middle', '#dc2626')];
  if (panel.type !== 'timeseries') {
    const last = withData[0].points.at(-1)[1];
    return [...shapes, text(box.x + box.width / 2, box.y + box.height / 2 + 14, format(last), 28, 'middle', COLORS[0])];
  }
  const legendRows = Math.min(withData.length, 3);
  const plot = { left: box.x + 48, right: box.x + box.width - 12, top: box.y + 30, bottom: box.y + box.height - 12 - legendRows * 13 };
  const values = withData.flatMap((s) => s.points.map(([, v]) => v));
  const low = Math.min(0, ...values);
  const high = Math.max(...values, ...(panel.thresholds ?? []).filter((t) => t > 0), low + 1e-9);
  const start = window.end - seconds(window.range);
  const px = (t) => plot.left + ((t - start) / (window.end - start)) * (plot.right - plot.left);
  const py = (v) => plot.bottom - ((v - low) / (high - low)) * (plot.bottom - plot.top);
  shapes.push(
    { kind: 'line', x1: plot.left, y1: plot.bottom, x2: plot.right, y2: plot.bottom, stroke: '#c4c9d1' },
    text(plot.left - 4, plot.top + 4, format(high), 10, 'end', MUTED),
    text(plot.left - 4, plot.bottom, format(low), 10, 'end', MUTED),
  );
  for (const threshold of panel.thresholds ?? []) {
    if (threshold > low && threshold <= high) shapes.push({ kind: 'line', x1: plot.left, y1: Math.round(py(threshold)), x2: plot.right, y2: Math.round(py(threshold)), stroke: '#f87171' });
  }
  withData.slice(0, COLORS.length).forEach(({ legend, points }, i) => {
    const fill = COLORS[i];
    // A dot per pixel column between consecutive samples, the value interpolated between them.
    for (let j = 0; j < points.length; j++) {
      const [t0, v0] = points[j];
      const [t1, v1] = points[j + 1] ?? points[j];
      const x0 = Math.round(px(t0));
      const x1 = Math.max(x0, Math.round(px(t1)) - 1);
      for (let x = x0; x <= x1; x++) {
        const v = x1 === x0 ? v0 : v0 + ((v1 - v0) * (x - x0)) / (x1 - x0);
        shapes.push({ kind: 'rect', x, y: Math.round(py(v)) - 1, width: 2, height: 2, fill });
      }
    }
    if (i < legendRows) {
      const y = plot.bottom + 14 + i * 13;
      shapes.push({ kind: 'rect', x: plot.left, y: y - 8, width: 10, height: 3, fill }, text(plot.left + 14, y, clip(legend, Math.floor((plot.right - plot.left) / 6)), 10, 'start', MUTED));
    }
  });
  return shapes;
}

/** Renders every dashboard to DIR/<uid>.png; returns per dashboard the panels and their series counts. */
export async function previewDashboards({ prometheus, out, range = '5m', step = '15s', scrapeInterval = '15s', files = DASHBOARDS, end = Date.now() / 1000 }) {
  const checker = execFileSync('bash', [join(ROOT, 'infra/tools/dashboard-check.sh')], { encoding: 'utf8' }).trim();
  const checked = JSON.parse(execFileSync(checker, ['-interval', step, '-scrape-interval', scrapeInterval, '-range', range, ...files.map((f) => join(ROOT, f))], { encoding: 'utf8', cwd: ROOT }));
  const rendering = createChartRendering();
  const window = { range, step, end };
  mkdirSync(out, { recursive: true });
  const report = [];
  for (const dashboard of checked) {
    const width = 24 * CELL;
    const height = 40 + Math.max(...dashboard.panels.map((p) => p.gridPos.y + p.gridPos.h)) * ROW;
    const shapes = [{ kind: 'rect', x: 0, y: 0, width, height, fill: '#f4f5f7' }, text(12, 26, `${dashboard.title} — last ${range} from ${prometheus}`, 15)];
    const panels = [];
    for (const panel of dashboard.panels) {
      const series = (await Promise.all(panel.targets.map((t) => rangeQuery(prometheus, t, window)))).flat();
      const { x, y, w, h } = panel.gridPos;
      shapes.push(...panelShapes(panel, series, window, { x: x * CELL, y: 40 + y * ROW, width: w * CELL, height: h * ROW }));
      panels.push({ title: panel.title, series: series.filter((s) => s.points.length > 0).length });
    }
    const file = join(out, `${dashboard.uid}.png`);
    writeFileSync(file, rendering.png({ width, height, title: dashboard.title, shapes }));
    report.push({ uid: dashboard.uid, file, panels });
  }
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      prometheus: { type: 'string' },
      out: { type: 'string', default: 'dashboard-previews' },
      range: { type: 'string', default: '5m' },
      step: { type: 'string', default: '15s' },
      'scrape-interval': { type: 'string', default: '15s' },
    },
  });
  if (!values.prometheus) {
    console.error('dashboards:preview: --prometheus URL is required (e.g. http://127.0.0.1:9090)');
    process.exit(64);
  }
  try {
    const report = await previewDashboards({
      prometheus: values.prometheus,
      out: values.out,
      range: values.range,
      step: values.step,
      scrapeInterval: values['scrape-interval'],
      files: positionals.length ? positionals : DASHBOARDS,
    });
    for (const { file, panels } of report) {
      const empty = panels.filter((p) => p.series === 0).map((p) => p.title);
      console.log(`${file}: ${panels.length} panels${empty.length ? `, no data in: ${empty.join(', ')}` : ''}`);
    }
  } catch (error) {
    console.error(`dashboards:preview: ${error.message}`);
    process.exit(1);
  }
}

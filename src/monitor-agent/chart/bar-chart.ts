/**
 * The server-rendered bar chart of one sample: the same bars, labels and title ("app,domain,host",
 * as the seed's Go agent drew it) as the Plotly page, with failRatio in percent on its own
 * (right) axis so it is not drawn next to counts in the thousands.
 */
import type { Sample, SamplePerformance } from '../sample-reader.js';
import type { Drawing, Shape, TextShape } from './drawing.js';

const CHART_WIDTH = 840;
const CHART_HEIGHT = 480;

/** The bars in the page's order; failRatio is drawn in percent against the right axis. */
const BARS: readonly { key: keyof SamplePerformance; label: string }[] = [
  { key: 'failRatio', label: 'FailRatio (%)' },
  { key: 'failAmount', label: 'FailAmount' },
  { key: 'accessAmount', label: 'AccessAmount' },
  { key: 'maxConcurrent', label: 'MaxConcurrent' },
  { key: 'maxLatency', label: 'MaxLatency (ms)' },
  { key: 'minLatency', label: 'MinLatency (ms)' },
  { key: 'avgLatency', label: 'AvgLatency (ms)' },
];

const PLOT = { left: 72, right: CHART_WIDTH - 64, top: 64, bottom: CHART_HEIGHT - 84 };
const COLORS = { text: '#1d2330', muted: '#6b7280', grid: '#e3e6eb', bar: '#2563eb', ratio: '#dc2626' };
const TICKS = 5;

/** The smallest of 1, 2, 2.5, 5 × 10^n at or above the value (an axis maximum). */
function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((m) => m >= value * (1 - 1e-12))!;
}

/** Integers as they are, other values with at most two decimals. */
const formatValue = (value: number): string => (Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2))));

const text = (x: number, y: number, value: string, size: number, anchor: TextShape['anchor'], fill = COLORS.text): TextShape => ({ kind: 'text', x, y, text: value, size, anchor, fill });

/** "app,domain,host", shortened with an ellipsis to what fits (a host may be 253 characters). */
function fitText(value: string, maxWidth: number, size: number, width: (text: string, size: number) => number): string {
  if (width(value, size) <= maxWidth) return value;
  const chars = [...value];
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (width(`${chars.slice(0, mid).join('')}…`, size) <= maxWidth) low = mid;
    else high = mid - 1;
  }
  return `${chars.slice(0, low).join('')}…`;
}

/** "app,domain,host" as the seed titled it, without the empty parts (a host may be unset). */
const chartTitle = (sample: Sample): string => [sample.app_name, sample.domain, sample.host].filter(Boolean).join(',');

export function barChart(sample: Sample, width: (text: string, size: number) => number): Drawing {
  const p = sample.performance_index;
  const bars = BARS.filter(({ key }) => p[key] !== undefined);
  const ratioPercent = p.failRatio * 100;
  const leftMax = niceMax(Math.max(...bars.filter(({ key }) => key !== 'failRatio').map(({ key }) => p[key]!)));
  const rightMax = Math.min(100, niceMax(ratioPercent));
  const plotHeight = PLOT.bottom - PLOT.top;
  const slot = (PLOT.right - PLOT.left) / bars.length;
  const title = chartTitle(sample);
  const shapes: Shape[] = [
    { kind: 'rect', x: 0, y: 0, width: CHART_WIDTH, height: CHART_HEIGHT, fill: '#ffffff' },
    text(CHART_WIDTH / 2, 34, fitText(title, CHART_WIDTH - 40, 18, width), 18, 'middle'),
    text(PLOT.left - 8, PLOT.top - 16, 'count, ms', 11, 'end', COLORS.muted),
    text(PLOT.right + 8, PLOT.top - 16, 'fail %', 11, 'start', COLORS.ratio),
  ];
  for (let i = 0; i <= TICKS; i++) {
    const y = PLOT.bottom - (plotHeight * i) / TICKS;
    shapes.push({ kind: 'line', x1: PLOT.left, y1: y, x2: PLOT.right, y2: y, stroke: COLORS.grid });
    shapes.push(text(PLOT.left - 8, y + 4, formatValue((leftMax * i) / TICKS), 11, 'end', COLORS.muted));
    shapes.push(text(PLOT.right + 8, y + 4, formatValue((rightMax * i) / TICKS), 11, 'start', COLORS.ratio));
  }
  bars.forEach(({ key, label }, i) => {
    const isRatio = key === 'failRatio';
    const value = isRatio ? ratioPercent : p[key]!;
    const height = Math.min(1, value / (isRatio ? rightMax : leftMax)) * plotHeight;
    const centre = PLOT.left + slot * (i + 0.5);
    const barWidth = Math.min(60, slot * 0.6);
    shapes.push({ kind: 'rect', x: centre - barWidth / 2, y: PLOT.bottom - height, width: barWidth, height, fill: isRatio ? COLORS.ratio : COLORS.bar });
    shapes.push(text(centre, PLOT.bottom - height - 6, isRatio ? `${formatValue(value)} %` : formatValue(value), 12, 'middle'));
    // "MaxLatency (ms)" on two lines: seven labels share the width.
    for (const [n, line] of label.split(' ').entries()) shapes.push(text(centre, PLOT.bottom + 20 + n * 15, line, 12, 'middle'));
  });
  if (p.maxLatency === undefined) {
    shapes.push(text(PLOT.left, CHART_HEIGHT - 14, 'MaxLatency: not reported by this server', 12, 'start', COLORS.muted));
  }
  return { width: CHART_WIDTH, height: CHART_HEIGHT, title, shapes };
}

/** A small image saying why there is no chart: for <img> embeds when the upstream fails. */
export function errorChart(status: number, message: string, width: (text: string, size: number) => number): Drawing {
  const title = `No chart: ${status}`;
  return {
    width: 480,
    height: 96,
    title,
    shapes: [
      { kind: 'rect', x: 0, y: 0, width: 480, height: 96, fill: '#fef3f2' },
      text(16, 36, title, 16, 'start', '#b42318'),
      text(16, 66, fitText(message, 448, 12, width), 12, 'start', COLORS.text),
    ],
  };
}

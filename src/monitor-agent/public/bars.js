// The bar chart of one sample, as the server-rendered chart.png draws it: failRatio in percent
// on its own (right) axis, counts and milliseconds on the left. A server that does not report
// maxLatency (the original Go monitor-test) gets no MaxLatency bar.
const BARS = [
  ['failRatio', 'FailRatio (%)'],
  ['failAmount', 'FailAmount'],
  ['accessAmount', 'AccessAmount'],
  ['maxConcurrent', 'MaxConcurrent'],
  ['maxLatency', 'MaxLatency (ms)'],
  ['minLatency', 'MinLatency (ms)'],
  ['avgLatency', 'AvgLatency (ms)'],
];

// Plotly reads a small HTML subset in its strings (<b>, <a href>…); escaping keeps them text.
const plotlyText = (value) => String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The smallest of 1, 2, 2.5, 5 × 10^n at or above the value, as the server-rendered chart's axes. */
const niceMax = (v) => {
  if (!(v > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((m) => m >= v * (1 - 1e-12));
};
const formatValue = (v) => (Number.isInteger(v) ? String(v) : String(Number(v.toFixed(2))));
const axisLabel = (label) => label.replace(' (', '<br>(');

export function drawBars(element, metric, title) {
  const p = metric.performance_index;
  const ratio = p.failRatio * 100;
  const others = BARS.slice(1).filter(([key]) => typeof p[key] === 'number');
  const common = { type: 'bar', textposition: 'outside', cliponaxis: false, offsetgroup: 'one' };
  return Plotly.react(
    element,
    [
      { ...common, name: 'failRatio', x: [axisLabel(BARS[0][1])], y: [ratio], yaxis: 'y2', text: [`${formatValue(ratio)} %`], marker: { color: '#dc2626' } },
      { ...common, name: 'values', x: others.map(([, label]) => axisLabel(label)), y: others.map(([key]) => p[key]), text: others.map(([key]) => formatValue(p[key])), marker: { color: '#2563eb' } },
    ],
    {
      title: { text: plotlyText(title) },
      height: 512,
      showlegend: false,
      margin: { t: 80, r: 64, b: 80, l: 64 },
      xaxis: { type: 'category', categoryorder: 'array', categoryarray: BARS.map(([, label]) => axisLabel(label)) },
      yaxis: { rangemode: 'tozero', title: { text: 'count, ms' } },
      yaxis2: {
        overlaying: 'y',
        side: 'right',
        rangemode: 'tozero',
        range: [0, Math.min(100, niceMax(ratio))],
        dtick: Math.min(100, niceMax(ratio)) / 5,
        ticksuffix: ' %',
        showgrid: false,
        color: '#dc2626',
      },
    },
    { displaylogo: false, responsive: true },
  );
}

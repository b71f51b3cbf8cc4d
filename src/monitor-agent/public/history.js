// The last samples seen while the page is open, as small time series under the bars. Kept in
// memory only: a reload clears it, and the server keeps no state for it.
const HISTORY_LENGTH = 60;

const PANELS = [
  {
    title: 'Requests',
    series: [
      ['accessAmount', 'access'],
      ['failAmount', 'fail'],
    ],
  },
  {
    title: 'Latency (ms)',
    series: [
      ['minLatency', 'min'],
      ['avgLatency', 'avg'],
      ['maxLatency', 'max'],
    ],
  },
  { title: 'FailRatio (%)', series: [['failRatio', 'fail %', 100]] },
  { title: 'MaxConcurrent', series: [['maxConcurrent', 'concurrent']] },
];

export function createHistory(element) {
  let samples = [];

  function draw() {
    const traces = [];
    const layout = {
      height: 200,
      showlegend: false,
      // Plotly's mode bar stands upright in the right margin, clear of the last panel's title.
      modebar: { orientation: 'v' },
      margin: { t: 28, r: 40, b: 32, l: 48 },
      grid: { rows: 1, columns: PANELS.length, pattern: 'independent' },
      annotations: [],
    };
    PANELS.forEach((panel, i) => {
      const axis = i === 0 ? '' : String(i + 1);
      for (const [key, name, scale = 1] of panel.series) {
        const points = samples.filter((s) => typeof s.performance[key] === 'number');
        if (points.length === 0) continue; // e.g. maxLatency from the original monitor-test
        traces.push({
          type: 'scatter',
          mode: 'lines+markers',
          name,
          xaxis: `x${axis}`,
          yaxis: `y${axis}`,
          x: points.map((s) => s.time),
          y: points.map((s) => s.performance[key] * scale),
          marker: { size: 4 },
        });
      }
      layout[`xaxis${axis}`] = { type: 'date', tickformat: '%H:%M:%S', nticks: 3 };
      layout[`yaxis${axis}`] = { rangemode: 'tozero' };
      layout.annotations.push({ text: panel.title, showarrow: false, xref: `x${axis} domain`, yref: `y${axis} domain`, x: 0, y: 1.18, xanchor: 'left' });
    });
    element.dataset.samples = String(samples.length);
    return Plotly.react(element, traces, layout, { displaylogo: false, responsive: true, staticPlot: false });
  }

  return {
    add(metric) {
      samples = [...samples, { time: new Date(), performance: metric.performance_index }].slice(-HISTORY_LENGTH);
      return draw();
    },
    clear() {
      samples = [];
      return draw();
    },
  };
}

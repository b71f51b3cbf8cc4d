// The chart page: fetches one sample from the agent's data endpoint and draws it as a Plotly
// bar chart titled "app, domain, host" like the seed. Every URL is relative, so the page works
// at / and behind an Ingress path prefix. Upstream values are untrusted: they only ever reach
// the page as text (textContent, or Plotly strings with markup escaped), never as HTML.
'use strict';

const DATA_URL = 'api/metrics';
const AUTO_REFRESH_MS = 5000;
const BARS = [
  ['failRatio', 'FailRatio'],
  ['failAmount', 'FailAmount'],
  ['accessAmount', 'AccessAmount'],
  ['maxConcurrent', 'MaxConcurrent'],
  ['maxLatency', 'MaxLatency (ms)'],
  ['minLatency', 'MinLatency (ms)'],
  ['avgLatency', 'AvgLatency (ms)'],
];

const chart = document.getElementById('chart');
const status = document.getElementById('status');
const autoRefresh = document.getElementById('auto-refresh');
const traceLink = document.getElementById('trace-link');
let timer;

// Plotly reads a small HTML subset in its strings (<b>, <a href>…); escaping keeps them text.
const plotlyText = (value) => String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// The agent sends X-Trace-Url (Zipkin's page of this request's trace) when ZIPKIN_UI_URL is set.
function showTraceLink(response) {
  const url = response.headers.get('x-trace-url');
  traceLink.hidden = !(url && /^https?:\/\//.test(url));
  if (!traceLink.hidden) traceLink.href = url;
}

function showError(message) {
  chart.dataset.state = 'error';
  status.className = 'status error';
  status.textContent = message;
}

async function errorMessage(response) {
  try {
    const body = await response.json();
    if (body && typeof body.message === 'string') return `${response.status}: ${body.message}`;
  } catch {
    // not JSON: fall through to the status line
  }
  return `${response.status} ${response.statusText}`;
}

async function refresh() {
  let response;
  try {
    response = await fetch(DATA_URL, { headers: { accept: 'application/json' }, cache: 'no-store' });
  } catch {
    showError('The agent cannot be reached. Retrying on the next refresh.');
    return;
  }
  showTraceLink(response);
  if (!response.ok) {
    showError(`No sample from k8s-app-monitor-test (${await errorMessage(response)}).`);
    return;
  }
  const metric = await response.json();
  const values = BARS.map(([key]) => Number(metric.performance_index[key]));
  const title = `${metric.app_name},${metric.domain},${metric.host}`;
  await Plotly.react(
    chart,
    [{
      type: 'bar',
      x: BARS.map(([, label]) => label),
      y: values,
      text: values.map((v) => (Number.isInteger(v) ? String(v) : v.toFixed(4))),
      textposition: 'outside',
      cliponaxis: false,
      marker: { color: '#2563eb' },
    }],
    {
      title: { text: plotlyText(title) },
      height: 512,
      margin: { t: 80, r: 24, b: 80, l: 64 },
      yaxis: { rangemode: 'tozero' },
    },
    { displaylogo: false, responsive: true },
  );
  chart.dataset.state = 'ok';
  chart.dataset.title = title;
  status.className = 'status';
  status.textContent = `Sample from ${metric.host} at ${new Date().toLocaleTimeString()}.`;
}

function scheduleAutoRefresh() {
  clearInterval(timer);
  if (autoRefresh.checked) timer = setInterval(refresh, AUTO_REFRESH_MS);
}

document.getElementById('refresh').addEventListener('click', refresh);
autoRefresh.addEventListener('change', scheduleAutoRefresh);
scheduleAutoRefresh();
refresh();

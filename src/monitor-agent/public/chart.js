// The chart page: fetches one sample of the chosen app from the agent's data endpoint and draws
// it as a Plotly bar chart titled "app,domain,host" like the seed, with the history of the
// samples seen since the page was opened under it. Every URL is relative, so the page works at
// / and behind an Ingress path prefix. Upstream values are untrusted: they only ever reach the
// page as text (textContent, or Plotly strings with markup escaped), never as HTML.
import { chooseApp, currentApp, fillAppSelector, withApp } from './apps.js';
import { drawBars } from './bars.js';
import { createHistory } from './history.js';

const AUTO_REFRESH_MS = 5000;

const chart = document.getElementById('chart');
const status = document.getElementById('status');
const note = document.getElementById('note');
const autoRefresh = document.getElementById('auto-refresh');
const traceLink = document.getElementById('trace-link');
const appSelect = document.getElementById('app');
const samples = createHistory(document.getElementById('history'));
let timer;

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

function showLinks() {
  for (const [id, path] of [
    ['data-link', 'api/metrics'],
    ['png-link', 'chart.png'],
    ['svg-link', 'chart.svg'],
  ]) {
    document.getElementById(id).href = withApp(path);
  }
}

async function refresh() {
  const app = currentApp();
  let response;
  try {
    response = await fetch(withApp('api/metrics', app), { headers: { accept: 'application/json' }, cache: 'no-store' });
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
  if (app !== currentApp()) return; // the user switched apps while this sample was on its way
  // "app,domain,host" as the seed titled it, without the empty parts (a host may be unset).
  const title = [metric.app_name, metric.domain, metric.host].filter(Boolean).join(',');
  await drawBars(chart, metric, title);
  await samples.add(metric);
  chart.dataset.state = 'ok';
  chart.dataset.title = title;
  status.className = 'status';
  status.textContent = `Sample from ${metric.host || 'an unnamed host'} at ${new Date().toLocaleTimeString()}.`;
  note.hidden = typeof metric.performance_index.maxLatency === 'number';
  note.textContent = note.hidden ? '' : 'MaxLatency: not reported by this server.';
}

function scheduleAutoRefresh() {
  clearInterval(timer);
  if (autoRefresh.checked) timer = setInterval(refresh, AUTO_REFRESH_MS);
}

async function switchApp() {
  showLinks();
  await samples.clear();
  await refresh();
}

appSelect.addEventListener('change', () => {
  chooseApp(appSelect.value);
  void switchApp();
});
window.addEventListener('popstate', () => {
  appSelect.value = currentApp() || appSelect.options[0]?.value || '';
  void switchApp();
});
document.getElementById('refresh').addEventListener('click', refresh);
autoRefresh.addEventListener('change', scheduleAutoRefresh);
scheduleAutoRefresh();
showLinks();
refresh();
fillAppSelector(appSelect);

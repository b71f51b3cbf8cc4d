// The service graph page: fetches servicegraph/graph and draws it as SVG, left to right by
// depth from the callers (servicegraph-layout.js), in time linear in nodes + edges. Node names
// come from Prometheus labels: they only ever become text.

const SVG = 'http://www.w3.org/2000/svg';
const svg = document.getElementById('graph');
const status = document.getElementById('status');
const horizon = document.getElementById('horizon');
const filterEmpty = document.getElementById('filter-empty');

function element(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function draw(graph) {
  svg.replaceChildren();
  const depth = globalThis.serviceGraphLayout.depths(Object.keys(graph.nodes), graph.edges);
  const columns = new Map();
  for (const [name, d] of depth) {
    if (!columns.has(d)) columns.set(d, []);
    columns.get(d).push(name);
  }
  const position = new Map();
  for (const [d, names] of columns) for (const [i, name] of names.sort().entries()) position.set(name, { x: 40 + d * 320, y: 60 + i * 110 });
  const width = 320 * (Math.max(0, ...columns.keys()) + 1) + 40;
  const height = 110 * Math.max(1, ...[...columns.values()].map((names) => names.length)) + 40;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const defs = element('defs', {});
  const marker = element('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' });
  marker.append(element('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#2563eb' }));
  defs.append(marker);
  svg.append(defs);
  for (const edge of graph.edges) {
    const from = position.get(edge.source);
    const to = position.get(edge.target);
    if (!from || !to) continue; // an edge to a node the answer does not list: skip it, not the page
    const [x1, y1, x2, y2] = [from.x + 220, from.y + 20, to.x, to.y + 20];
    const group = element('g', { class: 'edge' });
    group.append(element('path', { d: `M ${x1} ${y1} C ${x1 + 50} ${y1}, ${x2 - 50} ${y2}, ${x2} ${y2}`, fill: 'none', stroke: '#2563eb', 'stroke-width': 2, 'marker-end': 'url(#arrow)' }));
    group.append(element('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, 'text-anchor': 'middle', class: 'edge-label' }, `${Number(edge.labels['reqs/sec']).toFixed(2)} req/s`));
    const errors = Number(edge.labels['errors/sec'] ?? 0);
    if (errors > 0) group.append(element('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 + 14, 'text-anchor': 'middle', class: 'edge-errors', fill: '#dc2626' }, `${errors.toFixed(2)} err/s`));
    svg.append(group);
  }
  for (const [name, { x, y }] of position) {
    const group = element('g', { class: 'node' });
    group.append(element('rect', { x, y, width: 220, height: 40, rx: 6, fill: '#fff', stroke: '#1d2330' }));
    group.append(element('title', {}, name));
    group.append(element('text', { x: x + 110, y: y + 25, 'text-anchor': 'middle' }, name.length > 30 ? `${name.slice(0, 29)}…` : name));
    svg.append(group);
  }
}

async function refresh() {
  const params = new URLSearchParams({ time_horizon: horizon.value, filter_empty: String(filterEmpty.checked) });
  for (const id of ['json-link', 'dot-link']) {
    const link = document.getElementById(id);
    link.search = `?${params}`;
  }
  let response;
  try {
    response = await fetch(`servicegraph/graph?${params}`, { headers: { accept: 'application/json' }, cache: 'no-store' });
  } catch {
    status.className = 'status error';
    status.textContent = 'The agent cannot be reached.';
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    svg.dataset.state = 'error';
    status.className = 'status error';
    status.textContent = `No graph (${response.status}: ${typeof body.message === 'string' ? body.message : response.statusText}).`;
    return;
  }
  draw(body);
  svg.dataset.state = 'ok';
  status.className = 'status';
  const source = response.headers.get('x-graph-source') === 'istio' ? 'Istio metrics' : "the services' client metrics";
  status.textContent = body.edges.length ? `${body.edges.length} edge(s) over the last ${horizon.value}, from ${source}.` : `No traffic over the last ${horizon.value}.`;
}

horizon.addEventListener('change', refresh);
filterEmpty.addEventListener('change', refresh);
refresh();
setInterval(refresh, 10_000);

/**
 * The human-readable API page (successor of the seed's aglio `api.html`), rendered once from
 * the OpenAPI document so the two cannot disagree. No external assets: clusters are often offline.
 */
import { openapi } from '../shared/api/metric.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Resolves `#/components/...` references so each schema reads as a whole. */
function resolve(node: Json): Json {
  if (Array.isArray(node)) return node.map(resolve);
  if (node === null || typeof node !== 'object') return node;
  const ref = node.$ref;
  if (typeof ref === 'string') {
    const target = ref
      .slice(2)
      .split('/')
      .reduce<Json>((at, key) => (at as Record<string, Json>)[key] as Json, openapi as Json);
    return resolve(target);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, resolve(value)]));
}

const block = (value: Json): string => `<pre><code>${escapeHtml(JSON.stringify(resolve(value), null, 2))}</code></pre>`;

function renderOperation(path: string, method: string, op: Record<string, Json>): string {
  const parameters = (op.parameters as Json[] | undefined) ?? [];
  const responses = Object.entries(op.responses as Record<string, Record<string, Json>>);
  return `<section>
<h2><span class="method">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h2>
<p>${escapeHtml(String(op.summary ?? ''))}</p>
${parameters.length ? `<h3>Parameters</h3>${block(parameters)}` : ''}
${responses
  .map(
    ([status, response]) => `<h3>${escapeHtml(status)} — ${escapeHtml(String(response.description ?? ''))}</h3>
${response.content ? block((response.content as Record<string, Record<string, Json>>)['application/json']?.schema ?? null) : ''}`,
  )
  .join('\n')}
</section>`;
}

export function renderApiPage(): string {
  const { info, paths } = openapi;
  const operations = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods as Record<string, Record<string, Json>>).map(([method, op]) => renderOperation(path, method, op)));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="api.css">
</head>
<body>
<main>
<h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1>
<p>${escapeHtml(info.description)}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1).</p>
${operations.join('\n')}
</main>
</body>
</html>
`;
}

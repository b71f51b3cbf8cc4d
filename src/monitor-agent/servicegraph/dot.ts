import type { ServiceGraph } from './graph.js';

/**
 * A DOT string literal. Names come from Prometheus labels: quotes and backslashes are escaped, and
 * control characters (a NUL makes the file unreadable to Graphviz) become spaces.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const quote = (text: string): string => `"${text.replace(/[\\"]/g, '\\$&').replace(CONTROL, ' ')}"`;

/** The graph in Graphviz DOT, as the old addon's `/dotgraph` served it. */
export function toDot(graph: ServiceGraph): string {
  const lines = [
    'digraph "istio-servicegraph" {',
    ...Object.keys(graph.nodes).map((name) => `  ${quote(name)};`),
    ...graph.edges.map((e) => `  ${quote(e.source)} -> ${quote(e.target)} [label=${quote(`reqs/sec: ${e.labels['reqs/sec']}`)}];`),
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

import type { ServiceGraph } from './graph.js';

/** A DOT string literal; names come from Prometheus labels, so quotes and backslashes are escaped. */
const quote = (text: string): string => `"${text.replace(/[\\"]/g, '\\$&').replace(/[\r\n]/g, ' ')}"`;

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

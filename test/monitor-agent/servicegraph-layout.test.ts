/** The service graph page's layout, run in a plain VM context as the browser runs the script. */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

interface Edge {
  source: string;
  target: string;
}
type Depths = (names: string[], edges: Edge[]) => Map<string, number>;

function loadLayout(): Depths {
  const sandbox: { serviceGraphLayout?: { depths: Depths } } = {};
  (sandbox as Record<string, unknown>).globalThis = sandbox;
  runInNewContext(readFileSync(new URL('../../src/monitor-agent/public/servicegraph-layout.js', import.meta.url), 'utf8'), sandbox);
  return sandbox.serviceGraphLayout!.depths;
}

/** The edges as an array that counts how often an edge is read. */
function counted(edges: Edge[]): { edges: Edge[]; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(edges, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { edges: proxy, reads: () => reads };
}

describe('service graph layout', () => {
  const depths = loadLayout();

  it('puts each node one column right of its deepest caller, and cuts cycles', () => {
    const result = depths(
      ['gw', 'agent', 'test', 'db', 'x'],
      [
        { source: 'gw', target: 'agent' },
        { source: 'agent', target: 'test' },
        { source: 'gw', target: 'test' },
        { source: 'test', target: 'db' },
        { source: 'db', target: 'agent' }, // closes a cycle
        { source: 'x', target: 'x' },
        { source: 'gw', target: 'ghost' }, // not a node: ignored
      ],
    );
    expect(Object.fromEntries(result)).toEqual({ gw: 0, agent: 1, test: 2, db: 3, x: 0 });
  });

  it('reads each edge a bounded number of times, however long the chains (linear, not nodes × edges)', () => {
    const names = Array.from({ length: 5000 }, (_, i) => `n${i}`);
    const chain = names.slice(1).map((name, i) => ({ source: names[i]!, target: name }));
    const shortcuts = names.slice(2).map((name, i) => ({ source: names[i]!, target: name }));
    const { edges, reads } = counted([...shortcuts, ...chain]);
    const result = depths(names, edges);
    expect(result.get('n4999')).toBe(4999);
    expect(reads()).toBeLessThanOrEqual(2 * edges.length);
  });
});

// The service graph page's layout, loaded before servicegraph.js: each node's column is the
// longest chain of callers above it, with cycles cut. Linear in nodes + edges: a depth-first
// search (iterative, so a long chain cannot overflow the stack) drops the edges that close a
// cycle and yields a topological order, along which each edge is relaxed once. The page's first
// layout went round over every edge once per node, which took seconds at 10k edges.

globalThis.serviceGraphLayout = {
  /** Map of node name → column (0 for callers nobody calls). Edges to unknown nodes are ignored. */
  depths(nodeNames, edges) {
    const outgoing = new Map(nodeNames.map((name) => [name, []]));
    for (const { source, target } of edges) {
      if (source !== target && outgoing.has(source) && outgoing.has(target)) outgoing.get(source).push(target);
    }
    // 0: unvisited, 1: on the current path, 2: done.
    const state = new Map();
    const order = [];
    const kept = new Map(nodeNames.map((name) => [name, []]));
    for (const root of nodeNames) {
      if (state.get(root)) continue;
      state.set(root, 1);
      const stack = [[root, 0]];
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        const [name, next] = top;
        const targets = outgoing.get(name);
        if (next === targets.length) {
          state.set(name, 2);
          order.push(name);
          stack.pop();
          continue;
        }
        top[1] = next + 1;
        const target = targets[next];
        const seen = state.get(target);
        if (seen === 1) continue; // closes a cycle: cut
        kept.get(name).push(target);
        if (!seen) {
          state.set(target, 1);
          stack.push([target, 0]);
        }
      }
    }
    const depth = new Map(nodeNames.map((name) => [name, 0]));
    for (let i = order.length - 1; i >= 0; i--) {
      const name = order[i];
      for (const target of kept.get(name)) depth.set(target, Math.max(depth.get(target), depth.get(name) + 1));
    }
    return depth;
  },
};

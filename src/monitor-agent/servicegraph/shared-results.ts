/**
 * Runs a computation once for all callers that ask for the same key at the same time, and keeps
 * its result for `ttlMs` (failures are shared by the callers waiting, not kept). The service graph
 * uses it so that forty browsers refreshing one graph cost Prometheus one query, and the agent one
 * copy of the answer in memory: unshared, 40 parallel queries on a 40k-series answer held 297 MB.
 */
export function sharedResults<T>(ttlMs: number, maxEntries: number, now: () => number = Date.now): (key: string, run: () => Promise<T>) => Promise<T> {
  const inFlight = new Map<string, Promise<T>>();
  const kept = new Map<string, { value: T; expires: number }>();
  return (key, run) => {
    const hit = kept.get(key);
    if (hit && hit.expires > now()) return Promise.resolve(hit.value);
    kept.delete(key);
    const pending = inFlight.get(key);
    if (pending) return pending;
    const started = run().then(
      (value) => {
        inFlight.delete(key);
        // Oldest first out: a Map iterates in insertion order.
        while (kept.size >= maxEntries) kept.delete(kept.keys().next().value as string);
        kept.set(key, { value, expires: now() + ttlMs });
        return value;
      },
      (error: unknown) => {
        inFlight.delete(key);
        throw error;
      },
    );
    inFlight.set(key, started);
    return started;
  };
}

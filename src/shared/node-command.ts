/**
 * How node runs a service, written once: package.json's start:test/start:agent, npm start
 * (start-all.ts), the Dockerfile's CMD, the tests and the bench all use this line, and
 * test/shared/node-command.test.ts checks that package.json and the Dockerfile say the same.
 * - `--import …/instrumentation.js` preloads tracing, so the SDK is registered before the app;
 * - `--max-semi-space-size=8` bounds V8's young generation: on Node 24 it otherwise grows under
 *   load until peak RSS is ~60-75 MB higher (docs/performance.md);
 * - `--heap-growing-percent=10` lets V8's old generation grow by 10% between full collections
 *   rather than by the factor its heuristics pick (1.1–4×), so dead spans and buffers promoted
 *   under load do not pile up: peak RSS 127–140 → 113–118 MB at 0.96–0.98 of the CPU per request
 *   (paired, bench/). A V8 flag NODE_OPTIONS refuses, so it is on the command line.
 */
export type ServiceDir = 'monitor-test' | 'monitor-agent';

/**
 * The V8 flags every service runs with; bench/bench.mjs runs bare Koa's memory floor with them too
 * (through dist/, which knip does not follow: hence @public).
 * @public
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=8', '--heap-growing-percent=10'] as const;

/** The node arguments of a service built into `dist` (a path, `./dist` from the repository root); `extra` flags go before the preload. */
export function serviceNodeArgs(service: ServiceDir, dist: string, extra: readonly string[] = []): string[] {
  return [...SERVICE_NODE_FLAGS, ...extra, '--import', `${dist}/${service}/instrumentation.js`, `${dist}/${service}/main.js`];
}

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

/**
 * The V8 flags with request telemetry by the mesh (istio/mesh-telemetry and the chart's
 * istio.requestTelemetry=mesh set monitor-test's as its container's args; the bench's mesh
 * scenarios run them). With no span and no access line a request of monitor-test leaves little
 * garbage, so a 2 MB young generation costs it no CPU (paired with 8 MB, 9 rounds: 1.01 / 0.97 by
 * CPU at 8 / 32 connections) and lowers its peak (long runs of 100,000+ requests: 113–114 → 96–107 MB).
 * The agent parses its upstream's JSON and draws charts: the same flag costs it 6–15% of the CPU
 * (0.94 / 0.89 for the chart data, 0.99 / 0.85 for the PNG) for 118 → 107 MB, still over 100, so
 * it keeps the services' flags. (With the services' own telemetry, 2 MB costs monitor-test 8–11%:
 * 0.92 / 0.89.) docs/performance.md.
 * @public
 */
export const MESH_TELEMETRY_NODE_FLAGS: Readonly<Record<ServiceDir, readonly string[]>> = {
  'monitor-test': ['--max-semi-space-size=2', '--heap-growing-percent=10'],
  'monitor-agent': SERVICE_NODE_FLAGS,
};

/**
 * The node arguments of a service built into `dist` (a path, `./dist` from the repository root);
 * `extra` flags go before the preload.
 */
export function serviceNodeArgs(service: ServiceDir, dist: string, extra: readonly string[] = [], flags: readonly string[] = SERVICE_NODE_FLAGS): string[] {
  return [...flags, ...extra, '--import', `${dist}/${service}/instrumentation.js`, `${dist}/${service}/main.js`];
}

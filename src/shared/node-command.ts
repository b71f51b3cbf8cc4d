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
 *   (paired, bench/). A V8 flag NODE_OPTIONS refuses, so it is on the command line;
 * - `--no-maglev` leaves V8's mid-tier compiler out (Ignition, Sparkplug and Turbofan remain).
 *   With it the peak was 8–17 MB higher, mostly outside the V8 heap (paired scenarios, two runs:
 *   monitor-test 111–120 → 103–105 MB, the agent 117–122 → 109–110, monitor-test with the mesh
 *   settings 97–106 → 86–89).
 *   CPU per request, no Maglev over Maglev, 9–11 rounds, two runs each: monitor-test 1.00 / 0.98
 *   and 1.01 / 0.98 (8 / 32 connections), with the mesh settings 0.96 / 0.90 and 1.04 / 1.00, the
 *   agent's chart data 1.03 / 0.93 and 1.04 / 1.02, its PNG 1.04 / 1.02 and 0.98 / 1.02: the runs'
 *   noise. Without it the hot paths reach Turbofan later, so the first seconds of load cost more.
 */
export type ServiceDir = 'monitor-test' | 'monitor-agent';

/**
 * The V8 flags every service runs with; bench/bench.mjs runs bare Koa's memory floor with them too
 * (through dist/, which knip does not follow: hence @public).
 * @public
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=8', '--heap-growing-percent=10', '--no-maglev'] as const;

/**
 * The V8 flags with request telemetry by the mesh (istio/mesh-telemetry and the chart's
 * istio.requestTelemetry=mesh set them as the containers' args; the bench's mesh scenarios run
 * them): a 4 MB young generation for both, since a request that makes no span and no access line
 * leaves less garbage. monitor-test: 2 MB costs it 1.07 / 1.05× the CPU a request of 4 MB at
 * 8 / 32 connections (paired, 15 rounds; 8 MB: 1.04 / 1.04 against 2, at a short-run peak of
 * 98 / 100 MB against 91 / 92) for the same long-run peak (85.6–86.5 MB after 100,000+ requests
 * at 32 connections, two runs each). The agent parses its upstream's JSON and draws charts: 2 MB
 * costs it 9–12% of the PNG's CPU (0.91 / 0.88 without Maglev; 6–15% with), 4 MB 0–5% (with the
 * services' own telemetry, 9 rounds: 1.00 / 0.95 and 0.95 / 0.98) for a peak of 106–107 →
 * 98–100 MB (mesh settings, 25 s of chart data at 32 connections, two runs each; 94–98 in the
 * long runs since the Plotly bundle's copies are read from disk). (With the services' own
 * telemetry, 2 MB costs monitor-test 8–11%: 0.92 / 0.89.) docs/performance.md.
 * @public
 */
export const MESH_TELEMETRY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', ...SERVICE_NODE_FLAGS.slice(1)];

/**
 * The node arguments of a service built into `dist` (a path, `./dist` from the repository root);
 * `extra` flags go before the preload.
 */
export function serviceNodeArgs(service: ServiceDir, dist: string, extra: readonly string[] = [], flags: readonly string[] = SERVICE_NODE_FLAGS): string[] {
  return [...flags, ...extra, '--import', `${dist}/${service}/instrumentation.js`, `${dist}/${service}/main.js`];
}

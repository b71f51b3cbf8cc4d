/**
 * How node runs a service, written once: package.json's start:test/start:agent, npm start
 * (start-all.ts), the Dockerfile's CMD, the tests and the bench all use this line, and
 * test/shared/node-command.test.ts checks that package.json and the Dockerfile say the same.
 * - `--import …/instrumentation.js` preloads tracing, so the SDK is registered before the app;
 * - `--max-semi-space-size=8` bounds V8's young generation: on Node 24 it otherwise grows under
 *   load until peak RSS is ~60-75 MB higher (docs/performance.md).
 */
export type ServiceDir = 'monitor-test' | 'monitor-agent';

const NODE_FLAGS = ['--max-semi-space-size=8'] as const;

/** The node arguments of a service built into `dist` (a path, `./dist` from the repository root); `extra` flags go before the preload. */
export function serviceNodeArgs(service: ServiceDir, dist: string, extra: readonly string[] = []): string[] {
  return [...NODE_FLAGS, ...extra, '--import', `${dist}/${service}/instrumentation.js`, `${dist}/${service}/main.js`];
}

import Koa from 'koa';
import type Router from '@koa/router';
import type { Logger } from '../logger.js';
import { accessLog } from './access-log.js';
import { errorHandler } from './errors.js';
import { allowOnlyReads } from './method-guard.js';
import { probes, type Readiness } from './probes.js';

export interface AppParts {
  logger: Logger;
  readiness: Readiness;
  router: Router;
}

/**
 * The one ordered middleware list both services share: errors first (so everything below is
 * caught), then probes (kept out of logs and telemetry), access log, method guard, routes.
 */
export function buildKoaApp({ logger, readiness, router }: AppParts): Koa {
  const app = new Koa();
  // Errors are answered and logged by errorHandler; koa's own handler would print to stderr.
  app.silent = true;
  app.on('error', (err: unknown) => logger.warn({ err }, 'response stream error'));
  app.use(errorHandler(logger));
  app.use(probes(readiness));
  app.use(accessLog(logger));
  app.use(allowOnlyReads());
  app.use(router.routes());
  return app;
}

import Koa from 'koa';
import type Router from '@koa/router';
import type { Logger } from '../logger.js';
import { serverTelemetry } from '../telemetry/http-server.js';
import type { ServiceMetrics } from '../telemetry/metrics.js';
import { accessLog } from './access-log.js';
import { errorHandler } from './errors.js';
import { allowOnlyReads } from './method-guard.js';
import { probes, type Readiness } from './probes.js';
import { refuseRequestBodies } from './request-body-guard.js';
import { securityHeaders } from './security-headers.js';

export interface AppParts {
  logger: Logger;
  readiness: Readiness;
  router: Router;
  metrics: ServiceMetrics;
}

/**
 * The one ordered middleware list both services share: security headers on every response,
 * errors (so everything below is caught), then probes (kept out of logs and telemetry), the request's span and duration, the
 * access log (inside the span, so it carries the trace id), method guard, routes.
 */
export function buildKoaApp({ logger, readiness, router, metrics }: AppParts): Koa {
  const app = new Koa();
  // Errors are answered and logged by errorHandler; koa's own handler would print to stderr.
  app.silent = true;
  app.on('error', (err: unknown) => logger.warn({ err }, 'response stream error'));
  app.use(securityHeaders());
  app.use(errorHandler(logger));
  app.use(probes(readiness));
  app.use(serverTelemetry(metrics));
  app.use(accessLog(logger));
  app.use(allowOnlyReads());
  app.use(refuseRequestBodies());
  app.use(router.routes());
  return app;
}

import Koa from 'koa';
import type Router from '@koa/router';
import type { Logger } from '../logger.js';
import { accessLog as accessLogWriter } from './access-log.js';
import { type ResponseObserver, serverTelemetry } from '../telemetry/http-server.js';
import type { ServiceMetrics } from '../telemetry/metrics.js';
import type { VersionInfo } from '../version-info.js';
import { errorHandler } from './errors.js';
import { probes, type Readiness } from './probes.js';
import { acceptOnlyReads } from './read-only-guard.js';
import { securityHeaders } from './security-headers.js';

export interface AppParts {
  logger: Logger;
  readiness: Readiness;
  router: Router;
  metrics: ServiceMetrics;
  /** What GET /version answers. */
  version: VersionInfo;
  /** Whether each request gets an access line (config's ACCESS_LOG). */
  accessLog: boolean;
  /** A service's own per-response metric (monitor-test's answers per app), told of every answer. */
  onResponse?: ResponseObserver;
}

/**
 * The one ordered middleware list both services share: security headers on every response,
 * probes (kept out of logs and telemetry), the request's span, duration and access-log line,
 * errors (inside the span, so the error line carries its trace id and the span sees the final
 * status; nothing above it throws), the read-only guard, routes. Few layers, on purpose: each
 * costs a promise and a closure per request (see bench/).
 */
export function buildKoaApp({ logger, readiness, router, metrics, version, accessLog, onResponse }: AppParts): Koa {
  router.get('/version', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = version;
  });
  const app = new Koa();
  // Errors are answered and logged by errorHandler; koa's own handler would print to stderr.
  app.silent = true;
  app.on('error', (err: unknown) => logger.warn({ err }, 'response stream error'));
  app.use(securityHeaders());
  app.use(probes(readiness));
  app.use(serverTelemetry(metrics, accessLog ? accessLogWriter(logger) : undefined, onResponse));
  app.use(errorHandler(logger));
  app.use(acceptOnlyReads());
  app.use(router.routes());
  return app;
}

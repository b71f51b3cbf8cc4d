import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';
import { statusOf } from './errors.js';
import { matchedRoute, UNMATCHED_ROUTE } from './route.js';

/** One line per request: method, route template, status, duration. */
export function accessLog(logger: Logger): Middleware {
  return async function logRequest(ctx, next) {
    const start = performance.now();
    let status = 0;
    try {
      await next();
      status = ctx.status;
    } catch (error) {
      status = statusOf(error);
      throw error;
    } finally {
      logger.info(
        {
          method: ctx.method,
          route: matchedRoute(ctx) ?? UNMATCHED_ROUTE,
          path: ctx.path.slice(0, 200),
          status,
          duration_ms: Math.round((performance.now() - start) * 1000) / 1000,
        },
        'request',
      );
    }
  };
}

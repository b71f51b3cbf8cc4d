import type { Context } from 'koa';
import type { Logger } from '../logger.js';
import type { TraceIds } from '../telemetry/trace-ids.js';

export interface AccessLogEntry {
  route: string;
  status: number;
  durationMs: number;
  /** The ids of the request's span, so the line joins its trace. */
  ids: TraceIds | undefined;
}

/**
 * One line per request: method, route template, path, status, duration, trace. Written by the
 * request's telemetry middleware (http-server.ts), which already has the route, status, timing and
 * span at hand, rather than by a middleware of its own.
 */
export function logAccess(logger: Logger, ctx: Context, { route, status, durationMs, ids }: AccessLogEntry): void {
  logger.info(
    {
      method: ctx.method,
      route,
      path: ctx.path.slice(0, 200),
      status,
      duration_ms: Math.round(durationMs * 1000) / 1000,
      ...ids,
    },
    'request',
  );
}

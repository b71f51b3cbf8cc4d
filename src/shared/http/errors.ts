import { STATUS_CODES } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';

interface HttpErrorLike {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  headers?: unknown;
  message?: unknown;
}

/** The HTTP status an error stands for: its own 4xx/5xx status, else 500. */
export function statusOf(error: unknown): number {
  const { status, statusCode } = (error ?? {}) as HttpErrorLike;
  const candidate = typeof status === 'number' ? status : statusCode;
  return typeof candidate === 'number' && candidate >= 400 && candidate <= 599 ? candidate : 500;
}

function send(ctx: Parameters<Middleware>[0], status: number, message: string): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = { error: STATUS_CODES[status] ?? 'Error', message };
}

/**
 * First in every middleware list. Turns every failure into `{ error, message }` JSON. Only
 * messages marked safe (`expose`, set by ctx.throw for 4xx) reach the client; a 5xx answers with
 * its status text and the details go to the log, never the stack (koa's own onerror does the same).
 * An unmatched request (404 with no body) gets the same JSON shape.
 *
 * It sits inside the request's telemetry middleware, so the 5xx line is logged in the request's
 * span (with its trace_id and span_id) and the span records the exception.
 */
export function errorHandler(logger: Logger): Middleware {
  return async function handleErrors(ctx, next) {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) {
        send(ctx, 404, `no route for ${ctx.method} ${ctx.path.slice(0, 200)}`);
      }
    } catch (error) {
      const status = statusOf(error);
      const { expose, headers, message } = (error ?? {}) as HttpErrorLike;
      const safe = expose === true && typeof message === 'string';
      if (status >= 500) {
        logger.error({ err: error, status }, 'request failed');
        trace.getActiveSpan()?.recordException(error as Error);
      }
      ctx.res.removeHeader('Content-Length');
      if (headers && typeof headers === 'object') ctx.set(headers as Record<string, string>);
      send(ctx, status, safe ? (message as string) : (STATUS_CODES[status] ?? 'Error'));
    }
  };
}

import { trace } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';
import { inboundSampledTraceId } from '../telemetry/trace-ids.js';
import { clientMessage, errorBody } from './error-body.js';
import { SECURITY_HEADER_NAMES } from './security-headers.js';

/**
 * Headers that describe the connection, the response's security or its trace rather than the
 * content, and so stay on an error answer; every other header set before the error is dropped.
 * `Vary` stays too: a route that negotiates (a chart as an image or JSON, by Accept) answers an
 * error differently by the same headers, and a cache must not hand one answer to the other client.
 */
const KEPT_ON_ERROR = new Set([...SECURITY_HEADER_NAMES, 'connection', 'traceresponse', 'vary']);

interface HttpErrorLike {
  status?: unknown;
  statusCode?: unknown;
  headers?: unknown;
}

/** The HTTP status an error stands for: its own 4xx/5xx status, else 500. */
export function statusOf(error: unknown): number {
  const { status, statusCode } = (error ?? {}) as HttpErrorLike;
  const candidate = typeof status === 'number' ? status : statusCode;
  return typeof candidate === 'number' && candidate >= 400 && candidate <= 599 ? candidate : 500;
}

/** An error answer, never stored by a cache: the next request may well succeed. */
function send(ctx: Parameters<Middleware>[0], status: number, message: string): void {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'application/json';
  ctx.body = errorBody(status, message);
}

/**
 * First in every middleware list. Turns every failure into `{ error, message }` JSON. Only
 * messages marked safe (`expose`, set by ctx.throw for 4xx) reach the client; a 5xx answers with
 * its status text and the details go to the log, never the stack (koa's own onerror does the same).
 * An unmatched request (404 with no body) gets the same JSON shape.
 *
 * It sits inside the request's telemetry middleware, so the 5xx line is logged in the request's
 * span (with its trace_id and span_id) and the span records the exception; with no tracer, it
 * carries the trace id the request came in with, if sampled. Headers set before the
 * error (a cache lifetime, an ETag, a content encoding) are removed first, as koa's onerror does,
 * so they cannot describe the error body.
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
      const { headers } = (error ?? {}) as HttpErrorLike;
      if (status >= 500) {
        const span = trace.getActiveSpan();
        // With no tracer here (request telemetry by the mesh), the line names the sidecars' trace.
        const inbound = span ? undefined : inboundSampledTraceId(ctx.headers);
        logger.error({ err: error, status, ...(inbound && { trace_id: inbound }) }, 'request failed');
        span?.recordException(error as Error);
      }
      if (ctx.headerSent || !ctx.writable) return; // nothing more can be said on this response
      for (const name of ctx.res.getHeaderNames()) if (!KEPT_ON_ERROR.has(name)) ctx.res.removeHeader(name);
      if (headers && typeof headers === 'object') ctx.set(headers as Record<string, string>);
      send(ctx, status, clientMessage(error, status));
    }
  };
}

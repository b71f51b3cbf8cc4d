import { context, propagation, ProxyTracerProvider, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Context, Middleware } from 'koa';
import type { AccessLog } from '../http/access-log.js';
import { statusOf } from '../http/errors.js';
import { matchedRoute, UNMATCHED_ROUTE } from '../http/route.js';
import { methodLabel, observeDuration, type ServiceMetrics } from './metrics.js';
import { sampledTraceIds, type TraceIds, traceIdsOf } from './trace-ids.js';

const tracer = trace.getTracer('k8s-app-monitor');

/** A service's own per-response metric, called with the matched route (if any) and the final status. */
export type ResponseObserver = (ctx: Context, route: string | undefined, status: number) => void;

/** Whether a tracer provider is registered (the preload registers none at OTEL_SDK_DISABLED=true). */
function tracerRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer('k8s-app-monitor') !== undefined;
}

/**
 * One SERVER span, one histogram observation and one access-log line per request, made here
 * rather than by monkey-patching http (see tracing.ts), and in one middleware so that the three
 * share one timing, one route lookup and one layer of the middleware list. The inbound trace
 * context is extracted with the global propagators (W3C and B3); a malformed header yields a new
 * trace, never an error. The span is named by route template (`GET /metrics/:appname`) once the
 * router has matched, and every response carries `traceresponse` (W3C Trace Context Level 2) so a
 * user can look the request up. Without `logAccess` (ACCESS_LOG=false) no line is written;
 * `onResponse` is told of every answer here too, rather than wrapping the routes in a layer of its own.
 *
 * With no tracer registered (request telemetry by the mesh) it makes no span at all, not a no-op
 * one: without the extraction, the span and its context a request there cost 1.01 / 1.09× less
 * CPU at 8 / 32 connections (paired, 15 rounds; docs/performance.md). `traced` is decided once,
 * when the app is built, after the preload has registered the SDK or not.
 */
export function serverTelemetry(metrics: ServiceMetrics, logAccess: AccessLog | undefined, onResponse?: ResponseObserver, traced = tracerRegistered()): Middleware {
  const record = (ctx: Context, start: number, method: string, route: string | undefined, status: number, span: Span | undefined, ids: TraceIds | undefined) => {
    const durationMs = performance.now() - start;
    const routeLabel = route ?? UNMATCHED_ROUTE;
    observeDuration(metrics.httpServerDuration, { http_request_method: method, http_route: routeLabel, http_response_status_code: status }, durationMs / 1000, sampledTraceIds(span));
    onResponse?.(ctx, route, status);
    // Logged here, after the span's context has closed, so the ids are passed, not mixed in.
    logAccess?.(ctx, { route: routeLabel, status, durationMs, ids });
  };

  if (!traced) {
    return async function observeRequest(ctx, next) {
      const start = performance.now();
      let status = 500;
      try {
        await next();
        status = ctx.status;
      } catch (error) {
        status = statusOf(error);
        throw error;
      } finally {
        record(ctx, start, methodLabel(ctx.method), matchedRoute(ctx), status, undefined, undefined);
      }
    };
  }

  return async function observeTracedRequest(ctx, next) {
    const start = performance.now();
    const method = methodLabel(ctx.method);
    const parent = propagation.extract(ROOT_CONTEXT, ctx.headers);
    const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': ctx.path, 'url.scheme': ctx.protocol } }, parent);
    const ids = traceIdsOf(span);
    if (ids) ctx.set('traceresponse', `00-${ids.trace_id}-${ids.span_id}-0${span.spanContext().traceFlags & 1}`);

    let status = 500;
    try {
      await context.with(trace.setSpan(parent, span), next);
      status = ctx.status;
    } catch (error) {
      status = statusOf(error);
      if (status >= 500) span.recordException(error as Error);
      throw error;
    } finally {
      const route = matchedRoute(ctx);
      if (route) {
        span.updateName(`${method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', status);
      // Server spans count only 5xx as errors (OpenTelemetry HTTP semantic conventions).
      if (status >= 500) {
        span.setAttribute('error.type', String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
      record(ctx, start, method, route, status, span, ids);
    }
  };
}

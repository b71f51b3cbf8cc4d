import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Span } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import { statusOf } from '../http/errors.js';
import { matchedRoute, UNMATCHED_ROUTE } from '../http/route.js';
import { methodLabel, observeDuration, type ServiceMetrics } from './metrics.js';

const tracer = trace.getTracer('k8s-app-monitor');

/** `{trace_id, span_id}` of a sampled span, for histogram exemplars and log lines; else undefined. */
export function traceLabels(span: Span): { trace_id: string; span_id: string } | undefined {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return traceFlags & TraceFlags.SAMPLED ? { trace_id: traceId, span_id: spanId } : undefined;
}

/** The trace id of the active span if it is sampled (so Zipkin will have it), else undefined. */
export function sampledTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  return span && traceLabels(span)?.trace_id;
}

/**
 * One SERVER span and one histogram observation per request, made here rather than by
 * monkey-patching http (see tracing.ts). The inbound trace context is extracted with the global
 * propagators (W3C and B3); a malformed header yields a new trace, never an error. The span is
 * named by route template (`GET /metrics/:appname`) once the router has matched, and every
 * response carries `traceresponse` (W3C Trace Context Level 2) so a user can look the request up.
 */
export function serverTelemetry(metrics: ServiceMetrics): Middleware {
  return async function observeRequest(ctx, next) {
    const start = performance.now();
    const method = methodLabel(ctx.method);
    const parent = propagation.extract(ROOT_CONTEXT, ctx.headers);
    const span = tracer.startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': ctx.path, 'url.scheme': ctx.protocol } },
      parent,
    );
    const { traceId, spanId, traceFlags } = span.spanContext();
    if (trace.isSpanContextValid(span.spanContext())) ctx.set('traceresponse', `00-${traceId}-${spanId}-0${traceFlags & 1}`);

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
      observeDuration(
        metrics.httpServerDuration,
        { http_request_method: method, http_route: route ?? UNMATCHED_ROUTE, http_response_status_code: status },
        (performance.now() - start) / 1000,
        traceLabels(span),
      );
    }
  };
}

import type { IncomingHttpHeaders } from 'node:http';
import { trace, TraceFlags, type Span } from '@opentelemetry/api';

/** A span's ids as log lines and exemplars name them (a type, so it fits exemplar label maps). */
export type TraceIds = { trace_id: string; span_id: string };

/** The ids of a span with a valid context, sampled or not (log lines, `traceresponse`). */
export function traceIdsOf(span: Span | undefined): TraceIds | undefined {
  const spanContext = span?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : undefined;
}

/** The ids of a sampled span only, so Zipkin will have it (exemplars, trace links); else undefined. */
export function sampledTraceIds(span: Span | undefined): TraceIds | undefined {
  return span && span.spanContext().traceFlags & TraceFlags.SAMPLED ? traceIdsOf(span) : undefined;
}

/** The ids of the active span, for the logger's mixin. */
export const activeTraceIds = (): TraceIds | undefined => traceIdsOf(trace.getActiveSpan());

/** The trace id of the active span if it is sampled, else undefined. */
export const sampledTraceId = (): string | undefined => sampledTraceIds(trace.getActiveSpan())?.trace_id;

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-([\da-f]{2})$/;
const B3_TRACE_ID = /^(?:[\da-f]{16}){1,2}$/;

/**
 * The trace id a request arrived with, if its caller sampled it: W3C `traceparent`, else B3 as
 * Istio's sidecars send it. For a process that makes no spans itself (OTEL_SDK_DISABLED=true, as
 * k8s/overlays/istio-mesh-telemetry runs it), the sidecars' trace is the one Zipkin has.
 */
export function inboundSampledTraceId(headers: IncomingHttpHeaders): string | undefined {
  const parent = TRACEPARENT.exec(first(headers.traceparent)?.trim().toLowerCase() ?? '');
  if (parent) return Number.parseInt(parent[2]!, 16) & TraceFlags.SAMPLED && !/^0+$/.test(parent[1]!) ? parent[1] : undefined;
  const b3 = first(headers['x-b3-traceid'])?.trim().toLowerCase();
  const sampled = first(headers['x-b3-sampled'])?.trim() === '1' || first(headers['x-b3-flags'])?.trim() === '1';
  return b3 && B3_TRACE_ID.test(b3) && sampled && !/^0+$/.test(b3) ? b3 : undefined;
}

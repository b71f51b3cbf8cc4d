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

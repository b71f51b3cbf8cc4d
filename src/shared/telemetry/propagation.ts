import type { IncomingHttpHeaders } from 'node:http';
import { propagation, type Context } from '@opentelemetry/api';

/**
 * Headers Istio asks applications to forward from each inbound request to the outbound calls it
 * causes, so Envoy's spans join one trace: the request id, W3C and B3 context, and the headers of
 * the other tracers Istio supports.
 * https://istio.io/latest/docs/tasks/observability/distributed-tracing/overview/
 * https://istio.io/latest/about/faq/distributed-tracing/
 */
const FORWARDED_HEADERS = [
  'x-request-id',
  'traceparent',
  'tracestate',
  'baggage',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'b3',
  'x-ot-span-context',
  'x-cloud-trace-context',
  'grpc-trace-bin',
  'sw8',
  'x-datadog-trace-id',
  'x-datadog-parent-id',
  'x-datadog-sampling-priority',
] as const;

/** The forwarded headers present on an inbound request (first value of each, length-capped). */
export function forwardedHeaders(inbound: IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = inbound[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first.slice(0, 1024);
  }
  return headers;
}

/**
 * Writes the trace context of `ctx` (our CLIENT span) into outbound headers. Inbound context
 * headers the propagators own are dropped first: they describe the previous hop, and a stale
 * single `b3` header would even win over the fresh multi-header ones downstream. With the SDK
 * disabled the propagator is a no-op and the inbound headers pass through unchanged, so Envoy's
 * own traces still join up.
 */
export function injectTraceContext(headers: Record<string, string>, ctx: Context): Record<string, string> {
  const owned = propagation.fields();
  if (owned.length === 0) return headers;
  const outbound: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!owned.includes(name) && name !== 'b3') outbound[name] = value;
  }
  propagation.inject(ctx, outbound);
  return outbound;
}

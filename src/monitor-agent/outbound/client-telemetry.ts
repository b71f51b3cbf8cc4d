import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { observeDuration, type ClientDurationHistogram } from '../../shared/telemetry/metrics.js';
import { injectTraceContext } from '../../shared/telemetry/propagation.js';
import { sampledTraceIds } from '../../shared/telemetry/trace-ids.js';
import { redactedUrl } from '../url-credentials.js';

const tracer = trace.getTracer('k8s-app-monitor');

/** What a failed call tells us: the HTTP status if there was one, and a bounded failure kind. */
interface CallFailure {
  kind?: string;
  upstreamStatus?: number;
}

/**
 * Runs one outbound GET inside a CLIENT span: the span's context is injected into the headers
 * the call sends, the duration is observed with a trace-id exemplar, and a failure marks the
 * span ERROR with the exception recorded and `error_type` set (timeout, connection_refused, …).
 */
export async function tracedGet<T>(target: URL, histogram: ClientDurationHistogram | undefined, headers: Record<string, string>, call: (headers: Record<string, string>) => Promise<T>): Promise<T> {
  const start = performance.now();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const span = tracer.startSpan('GET', {
    kind: SpanKind.CLIENT,
    attributes: { 'http.request.method': 'GET', 'server.address': target.hostname, 'server.port': Number(port), 'url.full': redactedUrl(target) },
  });
  const spanContext = trace.setSpan(context.active(), span);
  let status: number | undefined;
  let errorType = '';
  try {
    const result = await context.with(spanContext, () => call(injectTraceContext(headers, spanContext)));
    status = 200;
    return result;
  } catch (error) {
    const failure = error as CallFailure;
    status = failure.upstreamStatus;
    errorType = failure.kind ?? 'other';
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
    span.setAttribute('error.type', errorType);
    throw error;
  } finally {
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    span.end();
    if (histogram)
      observeDuration(
        histogram,
        { http_request_method: 'GET', server_address: target.hostname, server_port: port, http_response_status_code: status ?? '', error_type: errorType },
        (performance.now() - start) / 1000,
        sampledTraceIds(span),
      );
  }
}

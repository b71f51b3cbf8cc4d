import { ClientFailure, createUpstreamHttpClient, type ClientResponse } from '.././outbound/http-client.js';
import type { ClientDurationHistogram } from '../../shared/telemetry/metrics.js';

/** One sample of an instant-vector result; labels in a null-prototype map (`__proto__` is a label like any other). */
export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

/**
 * Prometheus could not answer, or answered something unusable; the service graph reports 502.
 * The message is ours and safe to show; Prometheus's own error text goes to the log only (as
 * `detail`), since it may echo the query or internals.
 */
class PrometheusError extends Error {
  override name = 'PrometheusError';
  readonly status = 502;
  readonly expose = true;
  constructor(
    message: string,
    readonly kind: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export interface PrometheusClient {
  /** Runs an instant query (`/api/v1/query`); values as numbers, NaN and infinities dropped. */
  queryVector(promql: string): Promise<VectorSample[]>;
  close(): void;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

function prometheusErrorOf(failure: ClientFailure, timeoutMs: number): PrometheusError {
  switch (failure.kind) {
    case 'timeout':
      return new PrometheusError(`Prometheus did not answer within ${timeoutMs} ms`, failure.kind);
    case 'http_status':
      return new PrometheusError(`Prometheus rejected the query (${failure.upstreamStatus})`, failure.kind);
    case 'body_too_large':
      return new PrometheusError('Prometheus sent an oversized answer', failure.kind);
    default:
      return new PrometheusError(`Prometheus is unreachable (${failure.code ?? failure.kind})`, failure.kind);
  }
}

export function createPrometheusClient(options: { url: URL; timeoutMs: number; duration?: ClientDurationHistogram }): PrometheusClient {
  const client = createUpstreamHttpClient({ timeoutMs: options.timeoutMs, maxBodyBytes: MAX_BODY_BYTES, duration: options.duration });
  const endpoint = new URL(`${options.url.pathname.replace(/\/$/, '')}/api/v1/query`, options.url);
  return {
    async queryVector(promql) {
      const url = new URL(endpoint);
      url.searchParams.set('query', promql);
      try {
        return await client.get(url, { accept: 'application/json' }, parseVector);
      } catch (error) {
        throw error instanceof ClientFailure ? prometheusErrorOf(error, options.timeoutMs) : error;
      }
    },
    close: () => client.close(),
  };
}

const malformed = (detail: string) => new PrometheusError('Prometheus sent a malformed answer', 'malformed_body', detail);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a query answer, checking every entry: Prometheus (or a proxy before it) may send anything. */
function parseVector({ body }: ClientResponse): VectorSample[] {
  let answer: unknown;
  try {
    answer = JSON.parse(body.toString('utf8'));
  } catch {
    throw malformed('not JSON');
  }
  if (!isObject(answer) || answer.status !== 'success') {
    const error = isObject(answer) && typeof answer.error === 'string' ? answer.error.slice(0, 500) : undefined;
    throw new PrometheusError('Prometheus rejected the query', 'http_status', error);
  }
  const data = answer.data;
  if (!isObject(data) || data.resultType !== 'vector' || !Array.isArray(data.result)) throw malformed('not an instant vector');
  const samples: VectorSample[] = [];
  for (const entry of data.result as unknown[]) {
    if (!isObject(entry) || !isObject(entry.metric) || !Array.isArray(entry.value) || typeof entry.value[1] !== 'string') {
      throw malformed('a result entry without labels or value');
    }
    const metric: Record<string, string> = Object.create(null);
    for (const [name, label] of Object.entries(entry.metric)) {
      if (typeof label !== 'string') throw malformed(`label ${name.slice(0, 100)} is not a string`);
      metric[name] = label;
    }
    const value = Number(entry.value[1]);
    if (Number.isFinite(value)) samples.push({ metric, value });
  }
  return samples;
}

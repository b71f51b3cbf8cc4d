import type { Metric } from '../shared/api/metric.js';
import { isMetric } from '../shared/api/metric-validator.js';
import { ClientFailure, createUpstreamHttpClient, type ClientResponse } from '../shared/http/upstream-client.js';
import type { ClientDurationHistogram } from '../shared/telemetry/metrics.js';

/** Why an upstream call failed; also the bounded `error_type` telemetry label. */
export type UpstreamFailure = ClientFailure['kind'] | 'malformed_body';

/** An upstream failure, answered 504 for a timeout and 502 otherwise, with a safe message. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  readonly expose = true;
  readonly status: number;
  constructor(readonly kind: UpstreamFailure, message: string, readonly upstreamStatus?: number) {
    super(message);
    this.status = kind === 'timeout' ? 504 : 502;
  }
}

export interface UpstreamClient {
  /** One sample from `GET <base>/metrics`, validated against the OpenAPI schema. */
  fetchMetric(headers?: Record<string, string>): Promise<Metric>;
  close(): void;
}

const MAX_BODY_BYTES = 64 * 1024;

/** What the agent tells its own clients about a failed call, in the seed's terms. */
function upstreamErrorOf(failure: ClientFailure, timeoutMs: number): UpstreamError {
  switch (failure.kind) {
    case 'timeout':
      return new UpstreamError('timeout', `the metrics service did not answer within ${timeoutMs} ms`);
    case 'connection_refused':
      return new UpstreamError('connection_refused', 'the metrics service refused the connection');
    case 'dns':
      return new UpstreamError('dns', 'the metrics service name does not resolve');
    case 'http_status':
      return new UpstreamError('http_status', `the metrics service answered ${failure.upstreamStatus}`, failure.upstreamStatus);
    case 'body_too_large':
      return new UpstreamError('body_too_large', `the metrics service sent more than ${MAX_BODY_BYTES} bytes`);
    default:
      return new UpstreamError('network', `the connection to the metrics service failed (${failure.code ?? 'error'})`);
  }
}

/** `<base>/metrics`, keeping any path prefix of the base URL. */
export const metricsUrl = (baseUrl: URL): URL => new URL(`${baseUrl.pathname.replace(/\/$/, '')}/metrics`, baseUrl);

/**
 * The client for k8s-app-monitor-test, on the agent's one upstream HTTP client (deadline, body
 * cap, keep-alive, CLIENT span, client histogram). The seed's agent called log.Fatalf on the first
 * refused connection; this one turns every failure into an UpstreamError and keeps serving.
 */
export function createUpstreamClient(options: { baseUrl: URL; timeoutMs: number; duration?: ClientDurationHistogram }): UpstreamClient {
  const url = metricsUrl(options.baseUrl);
  const client = createUpstreamHttpClient({ timeoutMs: options.timeoutMs, maxBodyBytes: MAX_BODY_BYTES, duration: options.duration });

  async function fetchMetric(headers: Record<string, string> = {}): Promise<Metric> {
    try {
      return await client.get(url, { ...headers, accept: 'application/json' }, parseMetric);
    } catch (error) {
      throw error instanceof ClientFailure ? upstreamErrorOf(error, options.timeoutMs) : error;
    }
  }

  return { fetchMetric, close: () => client.close() };
}

/** Parses and validates a sample; kept apart from the transport so a reader schema can change alone. */
export function parseMetric({ body, headers }: ClientResponse): Metric {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new UpstreamError('malformed_body', `the metrics service sent invalid JSON (${headers['content-type'] ?? 'no content type'})`);
  }
  if (!isMetric(value)) throw new UpstreamError('malformed_body', 'the metrics service sent a sample that does not match the schema');
  return value;
}

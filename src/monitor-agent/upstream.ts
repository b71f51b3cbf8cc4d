import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Metric } from '../shared/api/metric.js';
import { isMetric } from '../shared/api/metric-validator.js';

/** Why an upstream call failed; also the bounded `error_type` telemetry label. */
export type UpstreamFailure = 'timeout' | 'connection_refused' | 'dns' | 'network' | 'http_status' | 'malformed_body' | 'body_too_large';

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

function failureOf(error: NodeJS.ErrnoException): UpstreamError {
  switch (error.code) {
    case 'ECONNREFUSED':
      return new UpstreamError('connection_refused', 'the metrics service refused the connection');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UpstreamError('dns', 'the metrics service name does not resolve');
    default:
      return new UpstreamError('network', `the connection to the metrics service failed (${error.code ?? 'error'})`);
  }
}

/**
 * The client for k8s-app-monitor-test. The seed's agent called log.Fatalf on the first refused
 * connection; this one turns every failure into an UpstreamError and keeps serving. Connections
 * are kept alive (one TCP handshake per socket, not per request); each call has a hard deadline
 * and the body is capped, so a slow or hostile upstream costs bounded time and memory.
 */
/** `<base>/metrics`, keeping any path prefix of the base URL. */
export const metricsUrl = (baseUrl: URL): URL => new URL(`${baseUrl.pathname.replace(/\/$/, '')}/metrics`, baseUrl);

export function createUpstreamClient(options: { baseUrl: URL; timeoutMs: number }): UpstreamClient {
  const url = metricsUrl(options.baseUrl);
  const transport = url.protocol === 'https:' ? https : http;
  // As many idle sockets kept as may be open: a smaller free pool closes and reopens
  // connections under steady load (measured: 1.0k vs 2.0k req/s at 32 connections, bench/).
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });

  function fetchMetric(headers: Record<string, string> = {}): Promise<Metric> {
    return new Promise((resolve, reject) => {
      const request = transport.get(url, { agent, headers: { ...headers, accept: 'application/json' } });
      const deadline = setTimeout(() => {
        request.destroy(new UpstreamError('timeout', `the metrics service did not answer within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(deadline);
        reject(error instanceof UpstreamError ? error : failureOf(error));
      };
      request.on('error', fail);
      request.on('response', (response) => {
        response.on('error', fail);
        if (!isSuccess(response.statusCode)) {
          response.resume(); // drain so the socket returns to the pool
          fail(new UpstreamError('http_status', `the metrics service answered ${response.statusCode}`, response.statusCode));
          return;
        }
        readBody(response, request, fail, (body) => {
          clearTimeout(deadline);
          const metric = parseMetric(body, response.headers);
          if (metric instanceof UpstreamError) reject(metric);
          else resolve(metric);
        });
      });
    });
  }

  return { fetchMetric, close: () => agent.destroy() };
}

const isSuccess = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 300;

function readBody(
  response: http.IncomingMessage,
  request: http.ClientRequest,
  fail: (error: Error) => void,
  done: (body: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  response.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      request.destroy();
      fail(new UpstreamError('body_too_large', `the metrics service sent more than ${MAX_BODY_BYTES} bytes`));
      return;
    }
    chunks.push(chunk);
  });
  response.on('end', () => {
    if (size <= MAX_BODY_BYTES) done(Buffer.concat(chunks, size));
  });
}

function parseMetric(body: Buffer, headers: IncomingHttpHeaders): Metric | UpstreamError {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return new UpstreamError('malformed_body', `the metrics service sent invalid JSON (${headers['content-type'] ?? 'no content type'})`);
  }
  return isMetric(value) ? value : new UpstreamError('malformed_body', 'the metrics service sent a sample that does not match the schema');
}

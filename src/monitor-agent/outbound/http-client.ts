import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { tracedGet } from './client-telemetry.js';
import type { ClientDurationHistogram } from '../../shared/telemetry/metrics.js';

/** Why a call failed before the caller could read the answer; also the bounded `error_type` label. */
export type ClientFailureKind = 'timeout' | 'connection_refused' | 'dns' | 'network' | 'http_status' | 'body_too_large';

/** A failed call. Its message is for logs; callers answer their clients with their own words. */
export class ClientFailure extends Error {
  override name = 'ClientFailure';
  constructor(
    readonly kind: ClientFailureKind,
    message: string,
    readonly upstreamStatus?: number,
    /** The socket error code (ECONNREFUSED, …) when there was one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ClientResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface UpstreamHttpClient {
  /**
   * One GET inside a CLIENT span, with the span's context in the headers it sends. `read` turns
   * a 2xx answer into the caller's value (parse and validate) inside the span, so a malformed
   * answer marks the span and the histogram with the error it throws (its `kind`).
   */
  get<T>(url: URL, headers: Record<string, string>, read: (response: ClientResponse) => T): Promise<T>;
  /** Closes the kept-alive sockets. */
  close(): void;
}

export interface UpstreamClientOptions {
  /** A hard deadline over the whole exchange: connect, headers and the last byte of the body. */
  timeoutMs: number;
  maxBodyBytes: number;
  /** The client histogram (http_client_request_duration_seconds); none in some unit tests. */
  duration?: ClientDurationHistogram;
}

function networkFailure(error: NodeJS.ErrnoException): ClientFailure {
  const code = error.code ?? 'error';
  if (code === 'ECONNREFUSED') return new ClientFailure('connection_refused', 'connection refused', undefined, code);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new ClientFailure('dns', 'the name does not resolve', undefined, code);
  return new ClientFailure('network', `the connection failed (${code})`, undefined, code);
}

/**
 * The agent's one HTTP client, for monitor-test and for Prometheus. node:http rather than fetch:
 * with keep-alive on both, fetch (undici) served 0.49× the requests of node:http at 32 in flight
 * (`node bench/http-client.mjs`, Node 24, 9 paired rounds). A socket-idle timeout would not do:
 * an upstream that drips its answer byte by byte resets it forever, so the deadline here runs
 * from the request to the body's last byte, and the body is capped so a hostile or broken
 * upstream costs bounded time and memory. Connections are kept alive, one pool per client.
 */
export function createUpstreamHttpClient(options: UpstreamClientOptions): UpstreamHttpClient {
  // As many idle sockets kept as may be open: a smaller free pool closes and reopens
  // connections under steady load (measured: 1.0k vs 2.0k req/s at 32 connections, bench/).
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 }),
  };

  function exchange(url: URL, headers: Record<string, string>): Promise<ClientResponse> {
    const secure = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (error: Error | undefined, value?: ClientResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (error) reject(error instanceof ClientFailure ? error : networkFailure(error));
        else resolve(value!);
      };
      const request = (secure ? https : http).get(url, { agent: secure ? agents.https : agents.http, headers }, (response) => {
        response.on('error', (error) => settle(error));
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 299) {
          response.resume(); // drain, so the socket goes back to the pool
          settle(new ClientFailure('http_status', `answered ${status}`, status));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBodyBytes) {
            settle(new ClientFailure('body_too_large', `sent more than ${options.maxBodyBytes} bytes`, status));
            request.destroy();
          } else {
            chunks.push(chunk);
          }
        });
        response.on('end', () => settle(undefined, { status, headers: response.headers, body: Buffer.concat(chunks, size) }));
      });
      const deadline = setTimeout(() => {
        settle(new ClientFailure('timeout', `no complete answer within ${options.timeoutMs} ms`));
        request.destroy();
      }, options.timeoutMs);
      request.on('error', (error) => settle(error));
    });
  }

  return {
    get: (url, headers, read) => tracedGet(url, options.duration, headers, async (sent) => read(await exchange(url, sent))),
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

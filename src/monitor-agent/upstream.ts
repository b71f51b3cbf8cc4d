import { ClientFailure, createUpstreamHttpClient, type ClientResponse } from './outbound/http-client.js';
import type { ClientDurationHistogram } from '../shared/telemetry/metrics.js';
import { readAppList, type AppEntry } from './app-list-reader.js';
import { readSample, UpstreamDataError, type Sample } from './sample-reader.js';

/** Why an upstream call failed; also the bounded `error_type` telemetry label. */
export type UpstreamFailure = ClientFailure['kind'] | 'malformed_body' | 'unknown_app';

/** An upstream failure, answered 504 for a timeout, 404 for an app monitor-test does not know, 502 otherwise. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  readonly expose = true;
  readonly status: number;
  constructor(
    readonly kind: UpstreamFailure,
    message: string,
    readonly upstreamStatus?: number,
  ) {
    super(message);
    this.status = kind === 'timeout' ? 504 : kind === 'unknown_app' ? 404 : 502;
  }
}

export interface UpstreamClient {
  /** One sample from `GET <base>/metrics` (or `/metrics/<app>`), read by the liberal sample reader. */
  fetchMetric(headers?: Record<string, string>, app?: string): Promise<Sample>;
  /** The apps monitor-test serves, from `GET <base>/apps`. */
  fetchApps(headers?: Record<string, string>): Promise<AppEntry[]>;
  close(): void;
}

const MAX_BODY_BYTES = 64 * 1024;

/** What the agent tells its own clients about a failed call, in the seed's terms. */
function upstreamErrorOf(failure: ClientFailure, timeoutMs: number, app: string | undefined): UpstreamError {
  switch (failure.kind) {
    case 'timeout':
      return new UpstreamError('timeout', `the metrics service did not answer within ${timeoutMs} ms`);
    case 'connection_refused':
      return new UpstreamError('connection_refused', 'the metrics service refused the connection');
    case 'dns':
      return new UpstreamError('dns', 'the metrics service name does not resolve');
    case 'http_status':
      if (failure.upstreamStatus === 404 && app !== undefined) return new UpstreamError('unknown_app', `monitor-test has no app named ${app}`, 404);
      return new UpstreamError('http_status', `the metrics service answered ${failure.upstreamStatus}`, failure.upstreamStatus);
    case 'body_too_large':
      return new UpstreamError('body_too_large', `the metrics service sent more than ${MAX_BODY_BYTES} bytes`);
    default:
      return new UpstreamError('network', `the connection to the metrics service failed (${failure.code ?? 'error'})`);
  }
}

/** `<base>/<path>`, keeping any path prefix of the base URL. */
const underBase = (baseUrl: URL, path: string): URL => new URL(`${baseUrl.pathname.replace(/\/$/, '')}/${path}`, baseUrl);

/** `<base>/metrics`, keeping any path prefix of the base URL. */
const metricsUrl = (baseUrl: URL): URL => underBase(baseUrl, 'metrics');

/** A reader of the answer's body, with a malformed body turned into the agent's 502. */
const asUpstreamRead =
  <T>(read: (body: Buffer, contentType: string | undefined) => T) =>
  ({ body, headers }: ClientResponse): T => {
    try {
      return read(body, headers['content-type']);
    } catch (error) {
      throw error instanceof UpstreamDataError ? new UpstreamError('malformed_body', error.message) : error;
    }
  };

/**
 * The client for k8s-app-monitor-test, on the agent's one upstream HTTP client (deadline, body
 * cap, keep-alive, CLIENT span, client histogram). The seed's agent called log.Fatalf on the first
 * refused connection; this one turns every failure into an UpstreamError and keeps serving.
 */
export function createUpstreamClient(options: { baseUrl: URL; timeoutMs: number; duration?: ClientDurationHistogram }): UpstreamClient {
  const url = metricsUrl(options.baseUrl);
  const appsUrl = underBase(options.baseUrl, 'apps');
  const client = createUpstreamHttpClient({ timeoutMs: options.timeoutMs, maxBodyBytes: MAX_BODY_BYTES, duration: options.duration });

  async function get<T>(target: URL, headers: Record<string, string>, read: (response: ClientResponse) => T, app?: string): Promise<T> {
    try {
      return await client.get(target, { ...headers, accept: 'application/json' }, read);
    } catch (error) {
      throw error instanceof ClientFailure ? upstreamErrorOf(error, options.timeoutMs, app) : error;
    }
  }

  // App names are checked by the app-name rule before they get here ([A-Za-z0-9_.-], never `.` or
  // `..`, which URL resolution would turn into another path), so they need no escaping.
  const fetchMetric = (headers: Record<string, string> = {}, app?: string): Promise<Sample> => get(app === undefined ? url : new URL(`${url.pathname}/${app}`, url), headers, parseMetric, app);
  const fetchApps = (headers: Record<string, string> = {}): Promise<AppEntry[]> => get(appsUrl, headers, asUpstreamRead(readAppList));

  return { fetchMetric, fetchApps, close: () => client.close() };
}

/** Reads a sample liberally (sample-reader.ts); kept apart from the transport so the reader can change alone. */
const parseMetric = asUpstreamRead(readSample);

/**
 * Typed readers for environment settings. Each service parses its whole config once at
 * start-up with these; a bad value throws a ConfigError naming the variable, which
 * orExitOnConfigError (run-service.ts, the tracing preload) prints as one line before exiting 78.
 */
import { isIP } from 'node:net';

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A bad setting's end: its one line on stderr, then exit 78 (EX_CONFIG, sysexits.h). */
export function exitOnBadSetting(message: string): never {
  process.stderr.write(`configuration error: ${message}\n`);
  process.exit(78);
}

/** Runs `read`; a ConfigError ends the process as exitOnBadSetting does. */
export function orExitOnConfigError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return exitOnBadSetting(error.message);
  }
}

/** A setting's value for an error message, any userinfo (`scheme://user:pass@`) replaced: it may be a password. */
const quoted = (value: string): string => JSON.stringify(value.replace(/^([^:/?#]+:\/\/)[^/?#]*@/, '$1REDACTED@'));

/** An unset or empty variable means "use the default" (compose and k8s often write `VAR=`). */
function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function readString(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

export function readInteger(env: Env, name: string, fallback: number, range: { min: number; max: number }): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) {
    throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(value)}`);
  }
  const parsed = Number(value);
  if (parsed < range.min || parsed > range.max) {
    throw new ConfigError(`${name} must be between ${range.min} and ${range.max}, got ${value}`);
  }
  return parsed;
}

/** A number between 0 and 1, e.g. a probability. */
export function readFraction(env: Env, name: string, fallback: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const parsed = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(value) ? Number(value) : NaN;
  if (Number.isNaN(parsed)) throw new ConfigError(`${name} must be a number between 0 and 1, got ${JSON.stringify(value)}`);
  return parsed;
}

export function readPort(env: Env, name: string, fallback: number): number {
  return readInteger(env, name, fallback, { min: 1, max: 65535 });
}

function readEnum<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** `true` or `false` (any case). */
function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value !== 'true' && value !== 'false') throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw(env, name))}`);
  return value === 'true';
}

/** An absolute http(s) URL, or undefined when unset. */
export function readHttpUrl(env: Env, name: string): URL | undefined {
  const value = raw(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL, got ${quoted(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http or https URL, got ${quoted(value)}`);
  }
  return url;
}

/** An address to bind: an IP address (v4 or v6, no brackets) or a host name; undefined when unset. */
function readListenHost(env: Env, name: string): string | undefined {
  const value = raw(env, name);
  if (value === undefined || isIP(value) !== 0 || HOST_NAME.test(value)) return value;
  throw new ConfigError(`${name} must be an IP address or a host name, got ${JSON.stringify(value)}`);
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/** A DNS name or IP literal as the seed's SERVICE_NAME is used: the host part of a URL. */
export function readHostname(env: Env, name: string, fallback: string): string {
  const value = readString(env, name, fallback);
  if (!HOST_NAME.test(value) && !/^\[[0-9A-Fa-f:.]+\]$/.test(value)) {
    throw new ConfigError(`${name} must be a host name, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The longest a stop can take: the delay, the drain, then the span flush (each bounded). A
 * supervisor's grace period (terminationGracePeriodSeconds, compose's stop_grace_period) must
 * exceed it, or the process is killed mid-drain.
 */
export const longestShutdownMs = (config: Pick<CommonConfig, 'shutdownDelayMs' | 'shutdownTimeoutMs'>): number => config.shutdownDelayMs + 2 * config.shutdownTimeoutMs;

/** Settings both services share: logging, shutdown, the metrics port. */
export interface CommonConfig {
  /** The admin port serving Prometheus metrics; never the public one. */
  readonly metricsPort: number;
  readonly logLevel: LogLevel;
  /**
   * One access line per request (at info). False where a proxy in front writes it instead: the
   * Istio sidecar in k8s/overlays/istio-mesh-telemetry, which also makes the spans.
   */
  readonly accessLog: boolean;
  /** After a stop signal, how long readiness fails while the listener still serves, before the drain. */
  readonly shutdownDelayMs: number;
  /** Bounds the drain, and again the span flush after it. */
  readonly shutdownTimeoutMs: number;
  /** Address to bind; undefined means all interfaces (Node's dual-stack default), as a container needs. */
  readonly listenHost: string | undefined;
  readonly httpTimeouts: HttpTimeouts;
}

/**
 * How long an idle keep-alive connection stays open, and how long a request's headers may take.
 * Node closes idle connections after 5 s by default; a proxy in front (Envoy: one hour unless its
 * DestinationRule says otherwise) that sends a request on a connection Node is closing gets a
 * reset, `503 UC`. So the server must outlast the proxy's idle timeout (60 s in istio/component),
 * and headersTimeout must exceed keepAliveTimeout, or Node cuts idle connections by that timer
 * first (https://github.com/nodejs/node/issues/27363).
 */
export interface HttpTimeouts {
  readonly keepAliveTimeoutMs: number;
  readonly headersTimeoutMs: number;
}

/** Node's default server.requestTimeout: headersTimeout may not exceed it. */
const REQUEST_TIMEOUT_MS = 300_000;

function readHttpTimeouts(env: Env): HttpTimeouts {
  const keepAliveTimeoutMs = readInteger(env, 'KEEP_ALIVE_TIMEOUT_MS', 65_000, { min: 1_000, max: REQUEST_TIMEOUT_MS - 1 });
  const headersTimeoutMs = readInteger(env, 'HEADERS_TIMEOUT_MS', Math.min(keepAliveTimeoutMs + 1_000, REQUEST_TIMEOUT_MS), { min: 1_000, max: REQUEST_TIMEOUT_MS });
  if (headersTimeoutMs <= keepAliveTimeoutMs) {
    throw new ConfigError(`HEADERS_TIMEOUT_MS must be greater than KEEP_ALIVE_TIMEOUT_MS (${keepAliveTimeoutMs}), got ${headersTimeoutMs}`);
  }
  return { keepAliveTimeoutMs, headersTimeoutMs };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The public port and the metrics port must differ: the second listen would fail after the first had logged "listening". */
export function requireDistinctPorts(port: number, metricsPort: number): void {
  if (port === metricsPort) throw new ConfigError(`METRICS_PORT must differ from PORT, both are ${port}`);
}

export function readCommonConfig(env: Env, defaultMetricsPort: number): CommonConfig {
  return {
    metricsPort: readPort(env, 'METRICS_PORT', defaultMetricsPort),
    logLevel: readEnum(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    accessLog: readBoolean(env, 'ACCESS_LOG', true),
    shutdownDelayMs: readInteger(env, 'SHUTDOWN_DELAY_MS', 0, { min: 0, max: 600_000 }),
    shutdownTimeoutMs: readInteger(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, { min: 0, max: 600_000 }),
    listenHost: readListenHost(env, 'LISTEN_HOST'),
    httpTimeouts: readHttpTimeouts(env),
  };
}

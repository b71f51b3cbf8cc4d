import { ConfigError, readCommonConfig, requireDistinctPorts, readFraction, readInteger, readPort, readString, type CommonConfig, type Env } from '../shared/config.js';
import { APP_NAME_RULE, isAppName } from '../shared/api/metric.js';

export interface AppSpec {
  readonly name: string;
  readonly domain: string;
}

export interface MonitorTestConfig extends CommonConfig {
  readonly port: number;
  /** Reported as `host` in every sample, so a user can see which replica answered. */
  readonly hostname: string;
  /** The simulated applications; the first one answers `GET /metrics`. */
  readonly apps: readonly AppSpec[];
  readonly faults: FaultConfig;
}

/** Faults injected into the metrics API on purpose, to exercise retries, alerts and error paths. */
export interface FaultConfig {
  /** Share of metric requests answered 500. */
  readonly errorRate: number;
  /** Added to every metric request. */
  readonly delayMs: number;
  /** A random extra delay up to this much. */
  readonly delayJitterMs: number;
}

const DEFAULT_APPS = 'test-app:test-domain';
const MAX_APPS = 100;
const DOMAIN_PATTERN = /^[A-Za-z0-9_.-]{1,253}$/;

/** Parses `name:domain,name:domain`. Names become label values, so they are validated here. */
export function parseApps(value: string): AppSpec[] {
  const apps = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name = '', domain = '', ...rest] = entry.split(':');
      if (rest.length > 0 || !isAppName(name) || !DOMAIN_PATTERN.test(domain)) {
        throw new ConfigError(`APPS entries must look like name:domain, the name ${APP_NAME_RULE}, got ${JSON.stringify(entry)}`);
      }
      return { name, domain };
    });
  if (apps.length === 0 || apps.length > MAX_APPS) {
    throw new ConfigError(`APPS must list between 1 and ${MAX_APPS} apps, got ${apps.length}`);
  }
  const names = new Set(apps.map((app) => app.name));
  if (names.size !== apps.length) throw new ConfigError('APPS must not list an app name twice');
  return apps;
}

/** The longest host name DNS allows, and the API schema's limit on a sample's `host`. */
const HOSTNAME_MAX_LENGTH = 253;

function readReportedHostname(env: Env, osHostname: string): string {
  const value = readString(env, 'HOSTNAME', osHostname);
  if (value.length > HOSTNAME_MAX_LENGTH) {
    throw new ConfigError(`HOSTNAME must be at most ${HOSTNAME_MAX_LENGTH} characters (a sample's host), got ${value.length}`);
  }
  return value;
}

export function readMonitorTestConfig(env: Env, osHostname: string): MonitorTestConfig {
  const common = readCommonConfig(env, 9464);
  const port = readPort(env, 'PORT', 3000);
  requireDistinctPorts(port, common.metricsPort);
  return Object.freeze({
    ...common,
    port,
    hostname: readReportedHostname(env, osHostname),
    apps: Object.freeze(parseApps(readString(env, 'APPS', DEFAULT_APPS))),
    faults: Object.freeze({
      errorRate: readFraction(env, 'FAULT_ERROR_RATE', 0),
      delayMs: readInteger(env, 'FAULT_DELAY_MS', 0, { min: 0, max: 60_000 }),
      delayJitterMs: readInteger(env, 'FAULT_DELAY_JITTER_MS', 0, { min: 0, max: 60_000 }),
    }),
  });
}

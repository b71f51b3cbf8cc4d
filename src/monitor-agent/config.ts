import { ConfigError, readCommonConfig, requireDistinctPorts, readHostname, readHttpUrl, readInteger, readPort, readString, type CommonConfig, type Env } from '../shared/config.js';

export interface MonitorAgentConfig extends CommonConfig {
  readonly port: number;
  /** Base URL of k8s-app-monitor-test; samples are read from `<base>/metrics`. */
  readonly upstreamUrl: URL;
  readonly upstreamTimeoutMs: number;
  /** Zipkin's UI, e.g. http://localhost:9411: when set, the page links each sample to its trace. */
  readonly zipkinUiUrl: URL | undefined;
  /** Prometheus, for the service graph; without it the graph answers 503. */
  readonly prometheusUrl: URL | undefined;
  /** Limits the mesh service graph to workloads of one namespace. */
  readonly serviceGraphNamespace: string | undefined;
}

/** A Kubernetes namespace name (RFC 1123 label); it goes into a PromQL label matcher. */
function readNamespace(env: Env, name: string): string | undefined {
  const value = readString(env, name, '');
  if (value === '') return undefined;
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) throw new ConfigError(`${name} must be a Kubernetes namespace name, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * The upstream is found by DNS name exactly as the seed did: http://$SERVICE_NAME:$APP_PORT.
 * In Kubernetes SERVICE_NAME=k8s-app-monitor-test resolves through cluster DNS. UPSTREAM_URL,
 * when set, replaces the whole base URL (https, a path prefix, another port).
 */
export function readMonitorAgentConfig(env: Env): MonitorAgentConfig {
  const serviceName = readHostname(env, 'SERVICE_NAME', 'localhost');
  const appPort = readPort(env, 'APP_PORT', 3000);
  const common = readCommonConfig(env, 9465);
  const port = readPort(env, 'PORT', 8888);
  requireDistinctPorts(port, common.metricsPort);
  return Object.freeze({
    ...common,
    port,
    upstreamUrl: readHttpUrl(env, 'UPSTREAM_URL') ?? new URL(`http://${serviceName}:${appPort}`),
    upstreamTimeoutMs: readInteger(env, 'UPSTREAM_TIMEOUT_MS', 2000, { min: 1, max: 120_000 }),
    zipkinUiUrl: readHttpUrl(env, 'ZIPKIN_UI_URL'),
    prometheusUrl: readHttpUrl(env, 'PROMETHEUS_URL'),
    serviceGraphNamespace: readNamespace(env, 'SERVICEGRAPH_NAMESPACE'),
  });
}

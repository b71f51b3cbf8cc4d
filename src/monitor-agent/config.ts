import { readCommonConfig, readHostname, readHttpUrl, readInteger, readPort, type CommonConfig, type Env } from '../shared/config.js';

export interface MonitorAgentConfig extends CommonConfig {
  readonly port: number;
  /** Base URL of k8s-app-monitor-test; samples are read from `<base>/metrics`. */
  readonly upstreamUrl: URL;
  readonly upstreamTimeoutMs: number;
  /** Zipkin's UI, e.g. http://localhost:9411: when set, the page links each sample to its trace. */
  readonly zipkinUiUrl: URL | undefined;
}

/**
 * The upstream is found by DNS name exactly as the seed did: http://$SERVICE_NAME:$APP_PORT.
 * In Kubernetes SERVICE_NAME=k8s-app-monitor-test resolves through cluster DNS. UPSTREAM_URL,
 * when set, replaces the whole base URL (https, a path prefix, another port).
 */
export function readMonitorAgentConfig(env: Env): MonitorAgentConfig {
  const serviceName = readHostname(env, 'SERVICE_NAME', 'localhost');
  const appPort = readPort(env, 'APP_PORT', 3000);
  return Object.freeze({
    ...readCommonConfig(env, 9465),
    port: readPort(env, 'PORT', 8888),
    upstreamUrl: readHttpUrl(env, 'UPSTREAM_URL') ?? new URL(`http://${serviceName}:${appPort}`),
    upstreamTimeoutMs: readInteger(env, 'UPSTREAM_TIMEOUT_MS', 2000, { min: 1, max: 120_000 }),
    zipkinUiUrl: readHttpUrl(env, 'ZIPKIN_UI_URL'),
  });
}

/** Fixed configs and dependencies for route tests: no ports, no real upstream, silent logs. */
import { createServer, get, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { openapi, type Metric } from '../../src/shared/api/metric.js';
import { silentLogger } from '../../src/shared/logger.js';
import { Readiness } from '../../src/shared/http/probes.js';
import { loadStaticFiles } from '../../src/shared/http/static-files.js';
import { readMonitorTestConfig } from '../../src/monitor-test/config.js';
import { readMonitorAgentConfig } from '../../src/monitor-agent/config.js';
import { createFaults } from '../../src/monitor-test/faults.js';
import { createSimulation } from '../../src/monitor-test/simulation.js';
import { seededRandom } from '../../src/monitor-test/random-walk.js';
import type { UpstreamClient } from '../../src/monitor-agent/upstream.js';
import { clientDurationHistogram, createServiceMetrics } from '../../src/shared/telemetry/metrics.js';
import { readVersionInfo } from '../../src/shared/version-info.js';
import { serviceGraphFromConfig } from '../../src/monitor-agent/servicegraph/graph.js';

export const distPublic = (service: 'monitor-test' | 'monitor-agent'): string => fileURLToPath(new URL(`../../dist/${service}/public/`, import.meta.url));

export function monitorTestFixture(env: Record<string, string> = {}) {
  const config = readMonitorTestConfig({ HOSTNAME: 'replica-1', APPS: 'test-app:test-domain,checkout:shop', ...env }, 'os-host');
  return {
    config,
    deps: {
      logger: silentLogger(),
      readiness: new Readiness(),
      metrics: createServiceMetrics(),
      version: readVersionInfo('k8s-app-monitor-test', {}),
      faults: createFaults(config.faults, seededRandom(7)),
      simulation: createSimulation(config.apps, seededRandom(42)),
      staticFiles: loadStaticFiles(distPublic('monitor-test')),
    },
  };
}

export const SAMPLE: Metric = {
  performance_index: { failRatio: 0.25, failAmount: 1, accessAmount: 4, maxConcurrent: 3, maxLatency: 30, minLatency: 10, avgLatency: 20 },
  host: 'replica-1',
  app_name: 'test-app',
  domain: 'test-domain',
};

/** What the original Go monitor-test sends: six values, no maxLatency, host "", pretty-printed. */
export const ORIGINAL_BODY = `{
  "performance_index": {
    "failRatio": 0.02,
    "failAmount": 12,
    "accessAmount": 600,
    "maxConcurrent": 40,
    "minLatency": 3,
    "avgLatency": 25
  },
  "host": "",
  "app_name": "k8s-app-monitor-test",
  "domain": "k8s-app-monitor-test.default.svc"
}
`;

export const APPS = [
  { name: 'test-app', domain: 'test-domain' },
  { name: 'checkout', domain: 'shop' },
];

export function monitorAgentFixture(fetchMetric: UpstreamClient['fetchMetric'] = async () => SAMPLE, env: Record<string, string> = {}, fetchApps: UpstreamClient['fetchApps'] = async () => APPS) {
  const config = readMonitorAgentConfig(env);
  const metrics = createServiceMetrics();
  return {
    config,
    deps: {
      logger: silentLogger(),
      readiness: new Readiness(),
      metrics,
      version: readVersionInfo('k8s-app-monitor-agent', {}),
      upstream: { fetchMetric, fetchApps, close: () => {} },
      serviceGraph: serviceGraphFromConfig(config, clientDurationHistogram(metrics.registry)),
      staticFiles: loadStaticFiles(distPublic('monitor-agent')),
    },
  };
}

/** Validates a response body against a response schema of the OpenAPI document. */
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(openapi, 'openapi.json');
export function validateResponse(path: string, status: number, body: unknown): string[] {
  const pointer = `openapi.json#/paths/${path.replaceAll('/', '~1')}/get/responses/${status}/content/application~1json/schema`;
  const validate = ajv.getSchema(pointer);
  if (!validate) return [`no schema for GET ${path} ${status}`];
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** A throwaway HTTP server on a free loopback port, for upstream doubles. */
export async function startServer(handler: RequestListener): Promise<{ server: Server; url: URL; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: new URL(`http://127.0.0.1:${port}`),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A GET that hands back the body exactly as sent (supertest would decompress it). */
export function rawGet(url: URL, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

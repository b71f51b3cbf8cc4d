/**
 * The compose files, checked by docker-compose itself (`config -q` needs no engine), and kept in
 * step with the Kubernetes manifests: the seed's kompose step, as a test instead of by hand.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { containers, kustomize, named, parseObjects, ROOT } from './objects.js';
import { kubectl, requireTool } from '../helpers/tools.js';
import { version } from '../helpers/versions.js';

const VARIANTS = {
  'the seed test': ['compose/docker-compose.yml'],
  'with the observability stack': ['compose/docker-compose.yml', 'compose/docker-compose.observability.yml'],
};
const SERVICES = ['k8s-app-monitor-test', 'k8s-app-monitor-agent'] as const;

/** Variables whose values differ by where the services run; both sides must still set them. */
// SHUTDOWN_DELAY_MS: Kubernetes endpoints read /readyz and need time to drop a pod; Docker's DNS does not.
const PER_ENVIRONMENT = new Set(['OTEL_EXPORTER_ZIPKIN_ENDPOINT', 'PROMETHEUS_URL', 'SHUTDOWN_DELAY_MS']);
/** Variables only Kubernetes can give (the Downward API) or needs. */
const KUBERNETES_ONLY = new Set(['POD_NAME', 'POD_NAMESPACE', 'OTEL_RESOURCE_ATTRIBUTES']);

const composeAvailable = () => !!requireTool('docker-compose', '.ci/run must install it (apt-get install docker-compose)');

const composeArgs = (files: string[]) => files.flatMap((file) => ['-f', file]);

interface ComposeService {
  image: string;
  ports: { published: number | string; target: number }[];
  environment: Record<string, string>;
}

describe.skipIf(!composeAvailable())('compose', () => {
  it.each(Object.entries(VARIANTS))('validates %s with docker-compose config -q', (_name, files) => {
    const result = spawnSync('docker-compose', [...composeArgs(files), 'config', '-q'], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!kubectl())('agrees with Kubernetes on service names, images, ports and environment', () => {
    const composed = parse(
      execFileSync('docker-compose', [...composeArgs(VARIANTS['with the observability stack']), 'config'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      }),
    ) as { services: Record<string, ComposeService> };
    const k8s = parseObjects(kustomize('k8s/base'));
    for (const name of SERVICES) {
      const service = composed.services[name]!;
      const deployment = named(k8s, 'Deployment', name);
      expect(deployment?.metadata.name, name).toBe(name);
      const container = containers(deployment!)[0];
      expect(service.image).toBe(container.image);
      const httpPort = container.ports.find((p: { name: string }) => p.name === 'http').containerPort;
      expect(service.ports.map((p) => [Number(p.published), p.target])).toEqual([[httpPort, httpPort]]);
      expect(named(k8s, 'Service', name)!.spec.ports.find((p: { name: string }) => p.name === 'http').port).toBe(httpPort);

      const k8sEnv = Object.fromEntries((container.env as { name: string; value?: string }[]).filter((e) => !KUBERNETES_ONLY.has(e.name)).map((e) => [e.name, e.value]));
      expect(Object.keys(service.environment).sort(), `${name} environment names`).toEqual(Object.keys(k8sEnv).sort());
      for (const [key, value] of Object.entries(service.environment)) {
        if (!PER_ENVIRONMENT.has(key)) expect(`${key}=${value}`).toBe(`${key}=${k8sEnv[key]}`);
      }
      // The ports the env names are the ports the manifests declare.
      expect(Number(service.environment.PORT)).toBe(httpPort);
      expect(Number(service.environment.METRICS_PORT)).toBe(container.ports.find((p: { name: string }) => p.name === 'http-metrics').containerPort);
    }
    // The agent finds monitor-test by the name both orchestrators give it.
    expect(composed.services['k8s-app-monitor-agent']!.environment.SERVICE_NAME).toBe('k8s-app-monitor-test');
  });

  it('has Prometheus scrape both metrics ports and Grafana link exemplars to Zipkin', () => {
    const prometheus = parse(readFileSync(join(ROOT, 'compose/prometheus/prometheus.yml'), 'utf8')) as { scrape_configs: { static_configs: { targets: string[] }[] }[] };
    const targets = prometheus.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets)).sort();
    expect(targets).toEqual(['k8s-app-monitor-agent:9465', 'k8s-app-monitor-test:9464']);
    for (const job of prometheus.scrape_configs as unknown as { job_name: string; static_configs: { labels: { app: string } }[] }[]) {
      expect(job.static_configs[0]!.labels.app).toBe(job.job_name);
    }
    const datasources = parse(readFileSync(join(ROOT, 'compose/grafana/provisioning/datasources/datasources.yaml'), 'utf8')) as {
      datasources: { uid: string; type: string; jsonData?: { exemplarTraceIdDestinations?: { name: string; datasourceUid: string }[] } }[];
    };
    const byUid = Object.fromEntries(datasources.datasources.map((d) => [d.uid, d]));
    expect(byUid.zipkin?.type).toBe('zipkin');
    expect(byUid.prometheus?.jsonData?.exemplarTraceIdDestinations).toEqual([{ name: 'trace_id', datasourceUid: 'zipkin' }]);
  });
});

describe('the observability overlay images', () => {
  const images = (file: string) => (parse(readFileSync(join(ROOT, file), 'utf8')) as { services: Record<string, { image?: string }> }).services;

  it('name the Zipkin and Prometheus releases of infra/versions.env, published and local alike', () => {
    const published = images('compose/docker-compose.observability.yml');
    expect(published.zipkin?.image).toBe(`openzipkin/zipkin:${version('ZIPKIN_VERSION')}`);
    expect(published.prometheus?.image).toBe(`prom/prometheus:v${version('PROMETHEUS_VERSION')}`);
    const local = images('test/compose/docker-compose.local-images.yml');
    expect(local.zipkin?.image).toBe(`k8s-app-monitor-local/zipkin:${version('ZIPKIN_VERSION')}`);
    expect(local.prometheus?.image).toBe(`k8s-app-monitor-local/prometheus:${version('PROMETHEUS_VERSION')}`);
  });
});

/**
 * The all-in-one file through Istio's own tool, offline, as the seed used it:
 * `istioctl validate`, `istioctl analyze --use-kube=false`, and `istioctl kube-inject -f` with
 * the injector templates and mesh config that `istioctl manifest generate` renders (no cluster).
 * .ci/run builds istioctl from the Go module proxy; without it these skip locally and fail in CI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_IN_ONE } from '../../scripts/render-all-in-one.mjs';
import { kustomize, named, ofKind, parseObjects, ROOT } from './objects.js';
import { requireTool } from '../helpers/tools.js';
import { SIDECAR_METRICS_PORT, SIDECAR_METRICS_PORT_NAME } from './policies.js';

const istioctl = requireTool('istioctl', '.ci/run must build it');

describe.skipIf(!istioctl)('istioctl on the all-in-one manifest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'istioctl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => spawnSync(istioctl!, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

  it('validates', () => {
    const result = run('validate', '-f', ALL_IN_ONE);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
  });

  it('analyzes without a cluster and finds no errors or warnings', () => {
    const result = run('analyze', '--use-kube=false', '--failure-threshold', 'Warning', ALL_IN_ONE);
    expect(result.stdout + result.stderr).toMatch(/No validation issues found|✔/);
    expect(result.status).toBe(0);
  });

  it('validates and analyzes the mesh-telemetry overlay (access logs by the sidecars) the same way', () => {
    const file = join(dir, 'mesh-telemetry.yaml');
    writeFileSync(file, kustomize('k8s/overlays/istio-mesh-telemetry'));
    const validated = run('validate', '-f', file);
    expect(validated.stderr).not.toMatch(/error/i);
    expect(validated.status).toBe(0);
    const analyzed = run('analyze', '--use-kube=false', '--failure-threshold', 'Warning', file);
    expect(analyzed.stdout + analyzed.stderr).toMatch(/No validation issues found|✔/);
    expect(analyzed.status).toBe(0);
  });

  it('injects a sidecar into both Deployments (kube-inject -f, offline)', () => {
    const installation = parseObjects(execFileSync(istioctl!, ['manifest', 'generate'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }));
    const injector = named(installation, 'ConfigMap', 'istio-sidecar-injector') as unknown as { data: { config: string; values: string } };
    const mesh = named(installation, 'ConfigMap', 'istio') as unknown as { data: { mesh: string } };
    writeFileSync(join(dir, 'inject.yaml'), injector.data.config);
    writeFileSync(join(dir, 'values.json'), injector.data.values);
    writeFileSync(join(dir, 'mesh.yaml'), mesh.data.mesh);
    // An explicit revision: without one, kube-inject asks a cluster for the default and waits forever.
    const injected = parseObjects(
      execFileSync(
        istioctl!,
        [
          'kube-inject',
          '--revision',
          'default',
          '-f',
          ALL_IN_ONE,
          '--injectConfigFile',
          join(dir, 'inject.yaml'),
          '--valuesFile',
          join(dir, 'values.json'),
          '--meshConfigFile',
          join(dir, 'mesh.yaml'),
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
      ),
    );
    const deployments = ofKind(injected, 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['k8s-app-monitor-agent', 'k8s-app-monitor-test']);
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      const names = [...(pod.initContainers ?? []), ...pod.containers].map((c: { name: string }) => c.name);
      expect(names, deployment.metadata.name).toContain('istio-proxy');
      expect(names).toContain(deployment.metadata.name);
      // Metrics merging off: the app port keeps its annotation (merging would rewrite it to
      // 15020) and the sidecar serves its own stats on the port the PodMonitor and scrape job name.
      const annotations = deployment.spec.template.metadata.annotations;
      const appContainer = pod.containers.find((c: { name: string }) => c.name === deployment.metadata.name);
      expect(annotations['prometheus.io/port']).toBe(String(appContainer.ports.find((p: { name: string }) => p.name === 'http-metrics').containerPort));
      const proxy = [...(pod.initContainers ?? []), ...pod.containers].find((c: { name: string }) => c.name === 'istio-proxy');
      expect(proxy.ports).toContainEqual(expect.objectContaining({ name: SIDECAR_METRICS_PORT_NAME, containerPort: SIDECAR_METRICS_PORT }));
    }
  }, 120_000);
});

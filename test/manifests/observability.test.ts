/**
 * The in-cluster Prometheus and Zipkin (k8s/observability) meet the bar of the services' own
 * manifests where it applies: an explicit namespace, probes on every container, a NetworkPolicy
 * for each pod, a ServiceAccount token only where the API is used, images at the pinned versions;
 * and Prometheus discovers the pods itself with the least RBAC that takes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { kubectl, requireTool } from '../helpers/tools.js';
import { version } from '../helpers/versions.js';
import { containers, kustomize, ofKind, parseObjects, selects, type K8sObject } from './objects.js';
import { validationErrors } from './schemas.js';

const hasKubectl = !!kubectl();
const objects: K8sObject[] = hasKubectl ? parseObjects(kustomize('k8s/observability')) : [];
const deployments = () => ofKind(objects, 'Deployment');
const prometheusConfig = () => (objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('prometheus-config')) as unknown as { data: Record<string, string> }).data['prometheus.yml']!;

describe.skipIf(!hasKubectl)('k8s/observability (Prometheus and Zipkin in the cluster)', () => {
  it('validates against the Kubernetes schemas, every object in istio-system', async () => {
    expect(await validationErrors(objects)).toEqual([]);
    for (const o of objects.filter((o) => o.kind !== 'Namespace' && !o.kind.startsWith('Cluster'))) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('istio-system');
    expect(
      deployments()
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(['prometheus', 'zipkin']);
  });

  it('gives every container readiness and liveness probes, a restricted security context and resources', () => {
    for (const d of deployments()) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, d.metadata.name).toBe(true);
      expect(pod.securityContext.seccompProfile.type, d.metadata.name).toBe('RuntimeDefault');
      for (const c of containers(d)) {
        const at = `${d.metadata.name}/${c.name}`;
        expect(c.readinessProbe?.httpGet?.path, at).toBeTruthy();
        expect(c.livenessProbe?.httpGet?.path, at).toBeTruthy();
        expect(c.securityContext, at).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(c.resources?.limits?.memory, at).toBeTruthy();
      }
    }
  });

  it('selects each pod with a NetworkPolicy that admits only its serving port', () => {
    const policies = ofKind(objects, 'NetworkPolicy');
    for (const d of deployments()) {
      const mine = policies.filter((p) => selects(p.spec.podSelector.matchLabels, d.spec.template.metadata.labels));
      expect(mine.length, d.metadata.name).toBe(1);
      const served = containers(d).flatMap((c) => (c.ports ?? []).map((p: { containerPort: number }) => p.containerPort));
      const admitted = mine[0]!.spec.ingress.flatMap((rule: { ports: { port: number }[] }) => rule.ports.map((p) => p.port));
      expect(admitted, d.metadata.name).toEqual(served);
    }
  });

  it('mounts a ServiceAccount token only in Prometheus, whose role is list and watch on pods and nothing else', () => {
    const zipkin = deployments().find((d) => d.metadata.name === 'zipkin')!;
    expect(zipkin.spec.template.spec.automountServiceAccountToken).toBe(false);
    const prometheus = deployments().find((d) => d.metadata.name === 'prometheus')!;
    expect(prometheus.spec.template.spec.serviceAccountName).toBe('prometheus');
    const [role] = ofKind(objects, 'ClusterRole');
    expect(ofKind(objects, 'ClusterRole')).toHaveLength(1);
    expect(ofKind(objects, 'Role')).toHaveLength(0);
    expect(role!.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] }]);
    const [binding] = ofKind(objects, 'ClusterRoleBinding');
    expect(binding!.subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'istio-system' }]);
  });

  it('runs the pinned Prometheus and Zipkin images', () => {
    const images = deployments().flatMap((d) => containers(d).map((c) => c.image as string));
    expect(images.sort()).toEqual([`k8s-app-monitor-local/prometheus:${version('PROMETHEUS_VERSION')}`, `k8s-app-monitor-local/zipkin:${version('ZIPKIN_VERSION')}`]);
  });

  it("discovers pods with Prometheus's own kubernetes_sd_configs (role pod), which promtool accepts", () => {
    const config = parse(prometheusConfig()) as { scrape_configs: { job_name: string; kubernetes_sd_configs?: { role: string }[]; http_sd_configs?: unknown }[] };
    expect(config.scrape_configs.map((s) => s.kubernetes_sd_configs)).toEqual([[{ role: 'pod' }]]);
    expect(JSON.stringify(config)).not.toMatch(/http_sd_configs|file_sd_configs/);
    const promtool = requireTool('promtool', 'infra/tools/prometheus.sh builds it');
    if (!promtool) return;
    const dir = mkdtempSync(join(tmpdir(), 'observability-config-'));
    writeFileSync(join(dir, 'prometheus.yml'), prometheusConfig().replace('/etc/prometheus/rules/*.yml', join(dir, '*.rules.yml')));
    const check = spawnSync(promtool, ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });
});

/**
 * Prometheus for the mesh: the `monitoring` Component (PodMonitors and a PrometheusRule for the
 * Prometheus Operator), checked against the Operator's CRD schemas the way the Istio objects are,
 * and the scrape configuration for a plain Prometheus in the cluster (k8s/monitoring/prometheus.yml).
 * Both scrape the app's own metrics port and, separately, the sidecar's Envoy stats on 15090.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PROMETHEUS_RULE, RULES, renderPrometheusRule } from '../../scripts/render-prometheus-rule.mjs';
import { kustomize, named, ofKind, parseObjects, ROOT, type K8sObject } from './objects.js';
import { unknownFieldErrors, validationErrors } from './schemas.js';
import { crossReferenceErrors } from './cross-references.js';
import { policyErrors, SIDECAR_METRICS_PORT_NAME } from './policies.js';
import { kubectl } from '../helpers/tools.js';

/** The istio overlay with the Component added, as a user's overlay would add it. */
function buildWithComponent(): K8sObject[] {
  const dir = mkdtempSync(join(ROOT, 'test/manifests/.monitoring-overlay-'));
  try {
    const up = relative(dir, ROOT);
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', `  - ${up}/k8s/overlays/istio`, 'components:', `  - ${up}/k8s/components/monitoring`].join('\n'),
    );
    return parseObjects(kustomize(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const APPS = ['k8s-app-monitor-agent', 'k8s-app-monitor-test'];

const hasKubectl = !!kubectl();

describe.skipIf(!hasKubectl)('the monitoring Component (Prometheus Operator)', () => {
  const objects = hasKubectl ? buildWithComponent() : [];
  const added = objects.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/'));
  const appMonitor = () => named(objects, 'PodMonitor', 'k8s-app-monitor')!;
  const sidecarMonitor = () => named(objects, 'PodMonitor', 'k8s-app-monitor-sidecars')!;

  it('adds a PodMonitor for the apps, one for the sidecars and the rules, in the project namespace', () => {
    expect(added.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['PodMonitor/k8s-app-monitor', 'PodMonitor/k8s-app-monitor-sidecars', 'PrometheusRule/k8s-app-monitor']);
    for (const o of added) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('k8s-app-monitor');
  });

  it('validates against the Prometheus Operator CRD schemas, with no unknown field', async () => {
    expect(await validationErrors(added)).toEqual([]);
    expect(unknownFieldErrors(added)).toEqual([]);
  }, 60_000);

  it('selects both apps, on ports their pods (or sidecars) serve, and keeps the whole build valid', () => {
    expect(crossReferenceErrors(objects)).toEqual([]);
    expect(policyErrors(objects)).toEqual([]);
    for (const monitor of [appMonitor(), sidecarMonitor()]) {
      expect(monitor.spec.selector.matchExpressions).toEqual([{ key: 'app', operator: 'In', values: expect.arrayContaining(APPS) }]);
      expect(monitor.spec.podTargetLabels).toEqual(['app', 'version']);
    }
  });

  it("scrapes the app's metrics port and, as its own target, the sidecar's /stats/prometheus", () => {
    expect(appMonitor().spec.podMetricsEndpoints).toEqual([expect.objectContaining({ port: 'http-metrics', path: '/metrics' })]);
    expect(sidecarMonitor().spec.podMetricsEndpoints).toEqual([expect.objectContaining({ port: SIDECAR_METRICS_PORT_NAME, path: '/stats/prometheus' })]);
  });

  it('carries the same alert rules promtool tests, rendered from that file', () => {
    const rule = named(objects, 'PrometheusRule', 'k8s-app-monitor')!;
    expect(rule.spec).toEqual({ groups: (parse(readFileSync(join(ROOT, RULES), 'utf8')) as { groups: unknown[] }).groups });
    expect(readFileSync(join(ROOT, PROMETHEUS_RULE), 'utf8'), 'run `npm run render:k8s`').toBe(renderPrometheusRule(ROOT));
  });

  it('catches a PodMonitor field the CRD schema does not allow, and one it does not know', async () => {
    const wrongType = structuredClone(added);
    named(wrongType, 'PodMonitor', 'k8s-app-monitor-sidecars')!.spec.podMetricsEndpoints[0].port = 15090;
    expect((await validationErrors(wrongType)).join('\n')).toMatch(/PodMonitor\/k8s-app-monitor-sidecars: .*port.*must be string/);
    const misspelt = structuredClone(added);
    named(misspelt, 'PodMonitor', 'k8s-app-monitor')!.spec.podMetricEndpoints = misspelt[0]!.spec.podMetricsEndpoints;
    expect(unknownFieldErrors(misspelt).join('\n')).toMatch(/PodMonitor\/k8s-app-monitor: .*podMetricEndpoints/);
  }, 60_000);

  it('catches a PodMonitor on a port the pods do not serve', () => {
    const broken = structuredClone(objects);
    named(broken, 'PodMonitor', 'k8s-app-monitor')!.spec.podMetricsEndpoints[0].port = 'metrics';
    expect(crossReferenceErrors(broken)).toEqual(['PodMonitor/k8s-app-monitor: port metrics is not served by the pods']);
  });
});

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  kubernetes_sd_configs?: { role: string }[];
  relabel_configs: { source_labels?: string[]; action?: string; regex?: string; target_label?: string }[];
}

describe('the scrape configuration for a Prometheus without the Operator', () => {
  const config = parse(readFileSync(join(ROOT, 'k8s/monitoring/prometheus.yml'), 'utf8')) as { rule_files: string[]; scrape_configs: ScrapeConfig[] };
  const job = (name: string) => config.scrape_configs.find((c) => c.job_name === name)!;
  const keeps = (c: ScrapeConfig, label: string) => c.relabel_configs.find((r) => r.action === 'keep' && r.source_labels?.join() === label)?.regex;

  it("scrapes the app's http-metrics port and, as its own job, each sidecar's /stats/prometheus", () => {
    const apps = job('k8s-app-monitor');
    expect(apps.kubernetes_sd_configs).toEqual([{ role: 'pod' }]);
    expect(keeps(apps, '__meta_kubernetes_pod_annotation_prometheus_io_scrape')).toBe('true');
    expect(keeps(apps, '__meta_kubernetes_pod_container_port_name')).toBe('http-metrics');
    const sidecars = job('envoy-stats');
    expect(sidecars.metrics_path).toBe('/stats/prometheus');
    expect(new RegExp(`^(?:${keeps(sidecars, '__meta_kubernetes_pod_container_port_name')})$`).test(SIDECAR_METRICS_PORT_NAME)).toBe(true);
  });

  it('labels every target with the app label the alerts select on', () => {
    for (const c of config.scrape_configs) {
      expect(c.relabel_configs, c.job_name).toContainEqual({ source_labels: ['__meta_kubernetes_pod_label_app'], target_label: 'app' });
    }
  });

  it('loads the alert rules from beside it', () => {
    expect(config.rule_files).toEqual(['k8s-app-monitor.rules.yml']);
    expect(join('k8s/monitoring', config.rule_files[0]!)).toBe(RULES);
  });

  it.skipIf(!hasKubectl)("matches the pods' merge-metrics setting: their annotations name the app port, not 15020", () => {
    for (const deployment of ofKind(parseObjects(kustomize('k8s/base')), 'Deployment')) {
      const annotations = deployment.spec.template.metadata.annotations;
      expect(annotations['prometheus.istio.io/merge-metrics']).toBe('false');
      expect(annotations['prometheus.io/port']).not.toBe('15020');
    }
  });
});

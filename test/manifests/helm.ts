/**
 * The Helm chart as the tools see it: `helm template` output parsed like the kustomize output,
 * and the object-by-object comparison of the two generators. Helm may differ from kustomize only
 * in the labels that name the generator.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import { kustomize, parseObjects, ROOT, type K8sObject } from './objects.js';

export const CHART = 'charts/k8s-app-monitor';

/** The labels by which the two generators may differ, and nothing else. */
const GENERATOR_LABELS = ['app.kubernetes.io/managed-by', 'helm.sh/chart'];

/**
 * Each kustomize build (a kustomization, plus Components no overlay of ours includes) and the
 * chart values that must render the same objects.
 */
export const EQUIVALENT_VALUES = [
  { kustomization: 'k8s/base', components: [], values: [], what: 'defaults (ingress none, no mesh)' },
  { kustomization: 'k8s/overlays/ingress-path', components: [], values: [`${CHART}/ci/ingress-path-values.yaml`], what: 'ingress.method=path' },
  { kustomization: 'k8s/overlays/ingress-host', components: [], values: [`${CHART}/ci/ingress-host-values.yaml`], what: 'ingress.method=host' },
  { kustomization: 'k8s/overlays/gateway', components: [], values: [`${CHART}/ci/gateway-values.yaml`], what: 'gateway.enabled=true' },
  { kustomization: 'k8s/overlays/istio', components: [], values: [`${CHART}/ci/istio-values.yaml`], what: 'istio.enabled=true' },
  { kustomization: 'k8s/overlays/istio-mesh-telemetry', components: [], values: [`${CHART}/ci/istio-mesh-telemetry-values.yaml`], what: 'istio.requestTelemetry=mesh' },
  { kustomization: 'k8s/base', components: ['k8s/components/monitoring'], values: [`${CHART}/ci/monitoring-values.yaml`], what: 'monitoring.*.enabled=true' },
] as const satisfies readonly { kustomization: string; components: readonly string[]; values: readonly string[]; what: string }[];

/** `kubectl kustomize` of a kustomization with Components added, as a user's own overlay adds them. */
export function kustomizeWith(kustomization: string, components: readonly string[]): string {
  if (components.length === 0) return kustomize(kustomization);
  const dir = mkdtempSync(join(ROOT, 'test/manifests/.helm-overlay-'));
  const up = relative(dir, ROOT);
  try {
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      stringify({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: [join(up, kustomization)],
        components: components.map((c) => join(up, c)),
      }),
    );
    return kustomize(relative(ROOT, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runHelm(helm: string, args: string[]): HelmResult {
  const { status, stdout, stderr } = spawnSync(helm, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status, stdout, stderr };
}

/** `helm template` of the chart (or a packaged .tgz) into the project namespace, with values files and --set pairs. */
export function helmTemplate(helm: string, options: { values?: readonly string[]; set?: string[]; chart?: string } = {}): K8sObject[] {
  const args = ['template', 'k8s-app-monitor', options.chart ?? CHART, '--namespace', 'k8s-app-monitor'];
  for (const file of options.values ?? []) args.push('--values', file);
  for (const pair of options.set ?? []) args.push('--set', pair);
  const result = runHelm(helm, args);
  if (result.status !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${result.stderr}`);
  return parseObjects(result.stdout);
}

const key = (obj: K8sObject) => `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;

/** A copy without the generator labels (and without a labels map they leave empty). */
export function withoutGeneratorLabels(obj: K8sObject): K8sObject {
  const copy = structuredClone(obj);
  const labels = copy.metadata.labels;
  if (labels) {
    for (const label of GENERATOR_LABELS) delete labels[label];
    if (Object.keys(labels).length === 0) delete copy.metadata.labels;
  }
  return copy;
}

/**
 * The differences between two sets of objects, one message per object: missing on either side,
 * or different after dropping the generator labels. Order of objects does not matter; order
 * inside an object (env, ports, rules) does, as it does to Kubernetes.
 */
export function objectDifferences(kustomizeObjects: K8sObject[], helmObjects: K8sObject[]): string[] {
  const fromKustomize = new Map(kustomizeObjects.map((o) => [key(o), withoutGeneratorLabels(o)]));
  const fromHelm = new Map(helmObjects.map((o) => [key(o), withoutGeneratorLabels(o)]));
  const differences: string[] = [];
  for (const [k, obj] of fromKustomize) {
    const other = fromHelm.get(k);
    if (!other) differences.push(`${k}: only in kustomize`);
    else if (!isDeepStrictEqual(obj, other)) differences.push(`${k}: differs\n  kustomize: ${JSON.stringify(obj)}\n  helm:      ${JSON.stringify(other)}`);
  }
  for (const k of fromHelm.keys()) if (!fromKustomize.has(k)) differences.push(`${k}: only in helm`);
  if (helmObjects.length !== fromHelm.size) differences.push('helm: duplicate objects');
  return differences;
}

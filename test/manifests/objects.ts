/**
 * Kubernetes and Istio objects as the tools see them: `kubectl kustomize` output parsed into
 * plain objects, plus small lookups for the cross-reference and policy checks.
 */
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { findTool } from '../helpers/tools.js';

export { ROOT } from '../helpers/paths.js';
import { ROOT } from '../helpers/paths.js';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: every kind has its own spec, walked by the checks below
  spec?: any;
  [key: string]: unknown;
}

export const KUSTOMIZATIONS = ['k8s/base', 'k8s/overlays/ingress-path', 'k8s/overlays/ingress-host', 'k8s/overlays/gateway', 'k8s/overlays/istio', 'k8s/overlays/istio-mesh-telemetry'] as const;

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((obj): obj is K8sObject => obj !== null);
}

/** `kubectl kustomize DIR`; callers check `kubectl()` from tools.ts first (skip locally, fail in CI). */
export function kustomize(dir: string): string {
  return execFileSync(findTool('kubectl') ?? 'kubectl', ['kustomize', dir], { cwd: ROOT, encoding: 'utf8' });
}

export const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
export const named = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

/** Whether every label of a selector is on the labels. */
export const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

export const podLabels = (deployment: K8sObject): Record<string, string> => deployment.spec.template.metadata.labels;
// biome-ignore lint/suspicious/noExplicitAny: a container's fields, read by each check
export const containers = (deployment: K8sObject): any[] => deployment.spec.template.spec.containers;

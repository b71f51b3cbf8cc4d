/**
 * The hardening every workload must keep: restricted security context, probes, resources, no
 * service-account token, the labels Istio needs, named ports — and no route from outside to a
 * metrics port. Returns one message per violation.
 */
import { containers, ofKind, podLabels, selects, type K8sObject } from './objects.js';

const METRICS_PORT_NAME = 'http-metrics';
/** The Istio sidecar's own metrics (Envoy's /stats/prometheus): istio_requests_total. */
export const SIDECAR_METRICS_PORT = 15090;
/** The name Istio's injector gives that port on the istio-proxy container. */
export const SIDECAR_METRICS_PORT_NAME = 'http-envoy-prom';
/** Where Prometheus runs: kube-prometheus-stack's usual namespace, and Istio's addon's. */
const MONITORING_NAMESPACES = ['monitoring', 'istio-system'];

type Peer = { namespaceSelector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }; podSelector?: unknown; ipBlock?: unknown };

/** Whether a NetworkPolicy peer admits every pod of the namespace (by its kubernetes.io/metadata.name label). */
function admitsNamespace(peer: Peer, namespace: string): boolean {
  if (!peer.namespaceSelector || peer.podSelector || peer.ipBlock) return false;
  const labels = { 'kubernetes.io/metadata.name': namespace };
  const { matchLabels = {}, matchExpressions = [] } = peer.namespaceSelector;
  return (
    Object.entries(matchLabels).every(([k, v]) => labels[k as keyof typeof labels] === v) &&
    matchExpressions.every((e) => e.operator === 'In' && e.key in labels && (e.values ?? []).includes(labels[e.key as keyof typeof labels]))
  );
}

/** Whether some NetworkPolicy selecting the pods lets the namespace reach the port. */
function admits(policies: K8sObject[], pod: Record<string, string>, port: number, namespace: string): boolean {
  return policies
    .filter((n) => selects(n.spec.podSelector.matchLabels, pod))
    .some((n) =>
      (n.spec.ingress ?? []).some(
        (rule: { from?: Peer[]; ports?: { port: number | string }[] }) => (rule.from ?? []).some((peer) => admitsNamespace(peer, namespace)) && (rule.ports ?? []).some((p) => p.port === port),
      ),
    );
}

export function policyErrors(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  const fail = (where: string, what: string) => errors.push(`${where}: ${what}`);

  for (const obj of objects) {
    // No exceptions: Istio's v1beta1 and v1alpha3 are deprecated in favour of v1 as well.
    if (/^extensions\/|\/v\d+(alpha|beta)\d+$/.test(obj.apiVersion)) fail(`${obj.kind}/${obj.metadata.name}`, `deprecated apiVersion ${obj.apiVersion}`);
    if (JSON.stringify(obj.metadata.annotations ?? {}).includes('treafik')) fail(`${obj.kind}/${obj.metadata.name}`, 'misspelt traefik annotation');
  }
  for (const sa of ofKind(objects, 'ServiceAccount')) {
    if (sa.automountServiceAccountToken !== false) fail(`ServiceAccount/${sa.metadata.name}`, 'automountServiceAccountToken is not false');
  }
  for (const d of ofKind(objects, 'Deployment')) {
    const where = `Deployment/${d.metadata.name}`;
    const pod = d.spec.template.spec;
    const labels = d.spec.template.metadata.labels ?? {};
    for (const label of ['app', 'version', 'app.kubernetes.io/name', 'app.kubernetes.io/version']) if (!labels[label]) fail(where, `pod label ${label} missing`);
    if (pod.automountServiceAccountToken !== false) fail(where, 'automountServiceAccountToken is not false');
    const psc = pod.securityContext ?? {};
    if (psc.runAsNonRoot !== true) fail(where, 'runAsNonRoot is not true');
    if (!Number.isInteger(psc.runAsUser) || psc.runAsUser === 0) fail(where, 'runAsUser is not a numeric non-root user');
    if (psc.seccompProfile?.type !== 'RuntimeDefault') fail(where, 'seccompProfile is not RuntimeDefault');
    const annotations = d.spec.template.metadata.annotations ?? {};
    if (annotations['prometheus.io/scrape'] !== 'true' || !annotations['prometheus.io/port']) fail(where, 'Prometheus scrape annotations missing');
    // Merged by a sidecar, the app's OpenMetrics (with exemplars) would become plain text on 15020.
    if (annotations['prometheus.istio.io/merge-metrics'] !== 'false') fail(where, 'prometheus.istio.io/merge-metrics is not "false"');
    const networkPolicies = ofKind(objects, 'NetworkPolicy');
    for (const port of [Number(annotations['prometheus.io/port']), SIDECAR_METRICS_PORT]) {
      for (const namespace of MONITORING_NAMESPACES) {
        if (!admits(networkPolicies, podLabels(d), port, namespace)) fail(where, `no NetworkPolicy admits namespace ${namespace} to port ${port}`);
      }
      // The admin port also takes monitor-test's runtime faults: no other namespace reaches it.
      if (admits(networkPolicies, podLabels(d), port, 'default')) fail(where, `a NetworkPolicy admits every namespace to port ${port}`);
    }
    for (const c of containers(d)) {
      const at = `${where} container ${c.name}`;
      const sc = c.securityContext ?? {};
      if (sc.allowPrivilegeEscalation !== false) fail(at, 'allowPrivilegeEscalation is not false');
      if (sc.readOnlyRootFilesystem !== true) fail(at, 'readOnlyRootFilesystem is not true');
      if (JSON.stringify(sc.capabilities?.drop) !== '["ALL"]') fail(at, 'capabilities do not drop ALL');
      if (c.readinessProbe?.httpGet?.path !== '/readyz') fail(at, 'readiness probe is not /readyz');
      if (c.livenessProbe?.httpGet?.path !== '/healthz') fail(at, 'liveness probe is not /healthz');
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory || !c.resources?.limits?.memory) fail(at, 'resource requests (cpu, memory) or memory limit missing');
      const portNames = (c.ports ?? []).map((p: { name?: string }) => p.name).sort();
      if (JSON.stringify(portNames) !== JSON.stringify(['http', METRICS_PORT_NAME])) fail(at, `ports are not named http and ${METRICS_PORT_NAME}`);
      // `latest` (or no tag) makes the API server default imagePullPolicy to Always and names no build.
      const tag = /@sha256:[0-9a-f]{64}$/.test(c.image) ? 'digest' : /:([\w][\w.-]{0,127})$/.exec(c.image.split('/').pop()!)?.[1];
      if (!tag) fail(at, 'image has no tag');
      else if (tag === 'latest') fail(at, 'image tag is latest');
    }
  }
  const metricsPorts = new Map<string, Set<number | string>>();
  for (const s of ofKind(objects, 'Service')) {
    const names = s.spec.ports.map((p: { name: string }) => p.name).sort();
    if (JSON.stringify(names) !== JSON.stringify(['http', METRICS_PORT_NAME])) fail(`Service/${s.metadata.name}`, `ports are not named http and ${METRICS_PORT_NAME}`);
    const metrics = s.spec.ports.find((p: { name: string }) => p.name === METRICS_PORT_NAME);
    if (metrics) metricsPorts.set(s.metadata.name, new Set([metrics.port, metrics.name]));
  }
  for (const i of ofKind(objects, 'Ingress')) {
    for (const rule of i.spec.rules) {
      for (const { backend } of rule.http.paths) {
        const { name, port } = backend.service;
        if (metricsPorts.get(name)?.has(port.number ?? port.name)) fail(`Ingress/${i.metadata.name}`, `exposes the metrics port of ${name}`);
      }
    }
  }
  for (const route of ofKind(objects, 'HTTPRoute')) {
    for (const rule of route.spec.rules ?? []) {
      for (const ref of rule.backendRefs ?? []) {
        if (metricsPorts.get(ref.name)?.has(ref.port)) fail(`HTTPRoute/${route.metadata.name}`, `exposes the metrics port of ${ref.name}`);
      }
    }
  }
  for (const vs of ofKind(objects, 'VirtualService').filter((v) => (v.spec.gateways ?? []).length > 0)) {
    for (const route of vs.spec.http ?? []) {
      for (const { destination } of route.route) {
        if (metricsPorts.get(destination.host)?.has(destination.port?.number)) fail(`VirtualService/${vs.metadata.name}`, `exposes the metrics port of ${destination.host}`);
      }
    }
  }
  return errors;
}

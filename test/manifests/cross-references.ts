/**
 * Every name a manifest refers to must exist in the same build: Service selectors and target
 * ports, service accounts, HPA/PDB targets, Ingress backends, Istio hosts, gateways, ports,
 * selectors and principals, PodMonitor selectors and ports. Returns one message per broken reference.
 */
import { containers, named, ofKind, podLabels, selects, type K8sObject } from './objects.js';
import { SIDECAR_METRICS_PORT, SIDECAR_METRICS_PORT_NAME } from './policies.js';

/** Principals outside this build that policies may name: the Istio ingress gateway's. */
const EXTERNAL_PRINCIPALS = new Set(['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account']);

export function crossReferenceErrors(objects: K8sObject[]): string[] {
  const errors: string[] = [];
  const deployments = ofKind(objects, 'Deployment');
  const services = ofKind(objects, 'Service');
  const podsOf = (selector: Record<string, string> | undefined) => deployments.filter((d) => selects(selector, podLabels(d)));
  const portsOf = (deployment: K8sObject) => containers(deployment).flatMap((c) => c.ports ?? []) as { name?: string; containerPort: number }[];
  const servicePort = (host: string, port: { number?: number; name?: string }) =>
    named(objects, 'Service', host.split('.')[0]!)?.spec.ports.find((p: { port: number; name: string }) => p.port === port.number || p.name === port.name);

  for (const d of deployments) {
    const where = `Deployment/${d.metadata.name}`;
    if (!selects(d.spec.selector.matchLabels, podLabels(d))) errors.push(`${where}: selector does not match its pod template`);
    if (!named(objects, 'ServiceAccount', d.spec.template.spec.serviceAccountName)) errors.push(`${where}: no ServiceAccount ${d.spec.template.spec.serviceAccountName}`);
    const annotated = d.spec.template.metadata.annotations?.['prometheus.io/port'];
    if (annotated && !portsOf(d).some((p) => String(p.containerPort) === annotated && p.name === 'http-metrics')) errors.push(`${where}: prometheus.io/port ${annotated} is not its http-metrics port`);
  }
  for (const s of services) {
    const where = `Service/${s.metadata.name}`;
    const pods = podsOf(s.spec.selector);
    if (pods.length === 0) errors.push(`${where}: selector matches no pod template`);
    for (const port of s.spec.ports) {
      for (const pod of pods) {
        const target = port.targetPort ?? port.port;
        if (!portsOf(pod).some((p) => p.name === target || p.containerPort === target)) errors.push(`${where}: targetPort ${target} is no container port of ${pod.metadata.name}`);
      }
    }
  }
  for (const kind of ['HorizontalPodAutoscaler']) {
    for (const h of ofKind(objects, kind)) {
      const ref = h.spec.scaleTargetRef;
      if (ref.kind !== 'Deployment' || !named(objects, 'Deployment', ref.name)) errors.push(`${kind}/${h.metadata.name}: targets no Deployment ${ref.name}`);
    }
  }
  for (const p of ofKind(objects, 'PodDisruptionBudget')) {
    if (podsOf(p.spec.selector.matchLabels).length === 0) errors.push(`PodDisruptionBudget/${p.metadata.name}: selects no Deployment`);
  }
  for (const n of ofKind(objects, 'NetworkPolicy')) {
    const pods = podsOf(n.spec.podSelector.matchLabels);
    if (pods.length === 0) errors.push(`NetworkPolicy/${n.metadata.name}: selects no pods`);
    for (const rule of n.spec.ingress ?? []) {
      for (const { port } of rule.ports ?? []) {
        // The sidecar's port is added to the pod at admission, by Istio's injector.
        if (port === SIDECAR_METRICS_PORT) continue;
        if (!pods.every((pod) => portsOf(pod).some((p) => p.containerPort === port || p.name === port))) errors.push(`NetworkPolicy/${n.metadata.name}: port ${port} is not served by the pods`);
      }
      for (const peer of rule.from ?? []) {
        if (peer.podSelector && podsOf(peer.podSelector.matchLabels).length === 0) errors.push(`NetworkPolicy/${n.metadata.name}: peer selects no pods`);
      }
    }
  }
  for (const i of ofKind(objects, 'Ingress')) {
    for (const rule of i.spec.rules) {
      for (const { backend } of rule.http.paths) {
        if (!servicePort(backend.service.name, backend.service.port))
          errors.push(`Ingress/${i.metadata.name}: no Service port ${backend.service.name}:${backend.service.port.name ?? backend.service.port.number}`);
      }
    }
  }
  for (const vs of ofKind(objects, 'VirtualService')) {
    const where = `VirtualService/${vs.metadata.name}`;
    for (const gateway of vs.spec.gateways ?? []) if (!named(objects, 'Gateway', gateway)) errors.push(`${where}: no Gateway ${gateway}`);
    for (const host of vs.spec.hosts) if (host !== '*' && !named(objects, 'Service', host.split('.')[0])) errors.push(`${where}: host ${host} is no Service`);
    for (const route of vs.spec.http ?? []) {
      for (const { destination } of route.route) {
        if (!servicePort(destination.host, destination.port ?? {})) errors.push(`${where}: no Service port ${destination.host}:${destination.port?.number}`);
      }
    }
  }
  for (const dr of ofKind(objects, 'DestinationRule')) {
    if (!named(objects, 'Service', dr.spec.host.split('.')[0])) errors.push(`DestinationRule/${dr.metadata.name}: host ${dr.spec.host} is no Service`);
  }
  for (const m of ofKind(objects, 'PodMonitor')) {
    const where = `PodMonitor/${m.metadata.name}`;
    const values = (key: string) => m.spec.selector.matchExpressions?.find((e: { key: string; operator: string }) => e.key === key && e.operator === 'In')?.values as string[] | undefined;
    const pods = deployments.filter((d) => selects(m.spec.selector.matchLabels, podLabels(d)) || (values('app') ?? []).includes(podLabels(d).app!));
    if (pods.length === 0) errors.push(`${where}: selects no pods`);
    for (const name of values('app') ?? []) if (!named(objects, 'Deployment', name)) errors.push(`${where}: no Deployment ${name}`);
    for (const { port } of m.spec.podMetricsEndpoints) {
      if (port === SIDECAR_METRICS_PORT_NAME) continue;
      if (!pods.every((pod) => portsOf(pod).some((p) => p.name === port))) errors.push(`${where}: port ${port} is not served by the pods`);
    }
  }
  for (const kind of ['AuthorizationPolicy', 'PeerAuthentication']) {
    for (const policy of ofKind(objects, kind)) {
      const where = `${kind}/${policy.metadata.name}`;
      const selector = policy.spec.selector?.matchLabels;
      const pods = selector ? podsOf(selector) : deployments;
      if (selector && pods.length === 0) errors.push(`${where}: selects no pods`);
      for (const port of Object.keys(policy.spec.portLevelMtls ?? {})) {
        if (!pods.every((pod) => portsOf(pod).some((p) => String(p.containerPort) === port))) errors.push(`${where}: port ${port} is not served by the pods`);
      }
      for (const rule of policy.spec.rules ?? []) {
        for (const { source } of rule.from ?? []) {
          for (const principal of source.principals ?? []) {
            const match = /^cluster\.local\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
            const local = match && match[1] === policy.metadata.namespace && named(objects, 'ServiceAccount', match[2]!);
            if (!local && !EXTERNAL_PRINCIPALS.has(principal)) errors.push(`${where}: principal ${principal} is no ServiceAccount here`);
          }
        }
        for (const { operation } of rule.to ?? []) {
          for (const port of operation.ports ?? []) {
            if (!pods.every((pod) => portsOf(pod).some((p) => String(p.containerPort) === port))) errors.push(`${where}: port ${port} is not served by the pods`);
          }
        }
      }
    }
  }
  return errors;
}

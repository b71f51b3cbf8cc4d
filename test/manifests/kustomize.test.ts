import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ALL_IN_ONE, renderAllInOne } from '../../scripts/render-all-in-one.mjs';
import { currentImageTag } from '../../scripts/set-image-tag.mjs';
import { containers, KUSTOMIZATIONS, kustomize, named, ofKind, parseObjects, podLabels, ROOT, selects, type K8sObject } from './objects.js';
import { unknownFieldErrors, validationErrors } from './schemas.js';
import { crossReferenceErrors } from './cross-references.js';
import { policyErrors } from './policies.js';
import { kubectl } from '../helpers/tools.js';
import { MESH_TELEMETRY_NODE_FLAGS, serviceNodeArgs, type ServiceDir } from '../../src/shared/node-command.js';

const hasKubectl = !!kubectl();
const builds = Object.fromEntries(KUSTOMIZATIONS.map((dir) => [dir, hasKubectl ? parseObjects(kustomize(dir)) : []])) as Record<(typeof KUSTOMIZATIONS)[number], K8sObject[]>;

describe.skipIf(!hasKubectl).each(KUSTOMIZATIONS)('kubectl kustomize %s', (dir) => {
  const objects = builds[dir];

  it('builds, with every object in the project namespace', () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const obj of objects.filter((o) => o.kind !== 'Namespace')) expect(obj.metadata.namespace, `${obj.kind}/${obj.metadata.name}`).toBe('k8s-app-monitor');
  });

  it('validates against the Kubernetes and Istio schemas', async () => {
    expect(await validationErrors(objects)).toEqual([]);
  });

  it('has no field the schemas do not know', () => {
    expect(unknownFieldErrors(objects)).toEqual([]);
  }, 60_000);

  it('cross-references only what exists', () => {
    expect(crossReferenceErrors(objects)).toEqual([]);
  });

  it('meets the pod, service and ingress policies', () => {
    expect(policyErrors(objects)).toEqual([]);
  });
});

describe.skipIf(!hasKubectl)('the manifests', () => {
  it('ship the alert rules for Kubernetes as the same file the compose Prometheus loads', async () => {
    const objects = parseObjects(kustomize('k8s/monitoring'));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/k8s-app-monitor-rules']);
    expect(await validationErrors(objects)).toEqual([]);
    const data = (objects[0] as unknown as { data: Record<string, string> }).data;
    expect(data['k8s-app-monitor.rules.yml']).toBe(readFileSync(join(ROOT, 'k8s/monitoring/k8s-app-monitor.rules.yml'), 'utf8'));
  });

  it('keep the committed all-in-one file identical to the kustomize output', () => {
    expect(readFileSync(join(ROOT, ALL_IN_ONE), 'utf8'), 'run `npm run render:k8s`').toBe(renderAllInOne());
  });

  it("expose the agent by the seed's two Traefik methods, on the parameter host", () => {
    const pathIngress = named(builds['k8s/overlays/ingress-path'], 'Ingress', 'k8s-app-monitor-agent')!;
    const hostIngress = named(builds['k8s/overlays/ingress-host'], 'Ingress', 'k8s-app-monitor-agent')!;
    const host = (parse(readFileSync(join(ROOT, 'k8s/components/ingress-params/params.yaml'), 'utf8')) as { data: { host: string } }).data.host;
    expect(host).toBe('k8s-app-monitor-agent.jimmysong.io');
    for (const [ingress, path] of [
      [pathIngress, '/k8s-app-monitor-agent'],
      [hostIngress, '/'],
    ] as const) {
      expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
      expect(ingress.spec.ingressClassName).toBe('traefik');
      expect(ingress.spec.rules[0].host).toBe(host);
      expect(ingress.spec.rules[0].http.paths[0]).toMatchObject({ path, pathType: 'Prefix', backend: { service: { name: 'k8s-app-monitor-agent', port: { name: 'http' } } } });
    }
    // The parameter ConfigMap is local config, not deployed.
    expect(named(builds['k8s/overlays/ingress-path'], 'ConfigMap', 'ingress-params')).toBeUndefined();
  });

  it('expose the agent by method 3, a Gateway API HTTPRoute on the parameter host, path unstripped', () => {
    const objects = builds['k8s/overlays/gateway'];
    const host = (parse(readFileSync(join(ROOT, 'k8s/components/ingress-params/params.yaml'), 'utf8')) as { data: { host: string } }).data.host;
    const gateway = named(objects, 'Gateway', 'k8s-app-monitor')!;
    const route = named(objects, 'HTTPRoute', 'k8s-app-monitor-agent')!;
    expect(gateway.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(gateway.spec).toMatchObject({ gatewayClassName: 'traefik', listeners: [{ name: 'http', protocol: 'HTTP', hostname: host }] });
    expect(route.spec.parentRefs).toEqual([{ name: 'k8s-app-monitor', sectionName: 'http' }]);
    expect(route.spec.hostnames).toEqual([host]);
    expect(route.spec.rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/k8s-app-monitor-agent' } }], backendRefs: [{ name: 'k8s-app-monitor-agent', port: 8888 }] }]);
    // The backend port is the agent Service's http port, not its metrics port.
    const service = named(objects, 'Service', 'k8s-app-monitor-agent')!;
    expect(service.spec.ports.find((p: { port: number }) => p.port === 8888).name).toBe('http');
    expect(ofKind(objects, 'Ingress')).toEqual([]);
  });

  it('put the namespace into the mesh only in the istio overlay', () => {
    expect(named(builds['k8s/overlays/istio'], 'Namespace', 'k8s-app-monitor')!.metadata.labels?.['istio-injection']).toBe('enabled');
    expect(named(builds['k8s/base'], 'Namespace', 'k8s-app-monitor')!.metadata.labels?.['istio-injection']).toBeUndefined();
  });

  it('pin the trace provider the Telemetry resource names in the mesh config', () => {
    const mesh = parse(readFileSync(join(ROOT, 'istio/mesh-config.yaml'), 'utf8')) as { spec: { meshConfig: { extensionProviders: { name: string; zipkin?: { service: string; port: number } }[] } } };
    const providers = mesh.spec.meshConfig.extensionProviders;
    const telemetry = ofKind(builds['k8s/overlays/istio'], 'Telemetry')[0]!;
    for (const { name } of telemetry.spec.tracing[0].providers) expect(providers.map((p) => p.name)).toContain(name);
    expect(providers.find((p) => p.name === 'zipkin')?.zipkin).toEqual({ service: 'zipkin.istio-system.svc.cluster.local', port: 9411 });
    // The services export to the same Zipkin.
    for (const deployment of ofKind(builds['k8s/base'], 'Deployment')) {
      const env = containers(deployment)[0].env as { name: string; value?: string }[];
      expect(env.find((e) => e.name === 'OTEL_EXPORTER_ZIPKIN_ENDPOINT')?.value).toBe('http://zipkin.istio-system:9411/api/v2/spans');
    }
  });

  it('let the sidecars make the spans and access lines, and the services neither, in the mesh-telemetry overlay', () => {
    const objects = builds['k8s/overlays/istio-mesh-telemetry'];
    const [telemetry, ...others] = ofKind(objects, 'Telemetry');
    expect(others).toEqual([]);
    // Envoy's built-in file access log (the istio-proxy container's stdout), beside the sidecars' spans.
    expect(telemetry!.spec).toEqual({ ...ofKind(builds['k8s/overlays/istio'], 'Telemetry')[0]!.spec, accessLogging: [{ providers: [{ name: 'envoy' }] }] });
    for (const deployment of ofKind(objects, 'Deployment')) {
      const env = Object.fromEntries((containers(deployment)[0].env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
      expect(env, deployment.metadata.name).toMatchObject({ OTEL_SDK_DISABLED: 'true', ACCESS_LOG: 'false' });
      expect(env).not.toHaveProperty('OTEL_TRACES_EXPORTER');
      expect(env).not.toHaveProperty('OTEL_EXPORTER_ZIPKIN_ENDPOINT');
      const inMesh = named(builds['k8s/overlays/istio'], 'Deployment', deployment.metadata.name)!;
      expect(Object.keys(env).length, 'every other setting stays').toBe(containers(inMesh)[0].env.length);
      // The image's command line with the mesh's V8 flags.
      const service = deployment.metadata.name.replace('k8s-app-', '') as ServiceDir;
      expect(containers(deployment)[0].args).toEqual(serviceNodeArgs(service, './dist', [], MESH_TELEMETRY_NODE_FLAGS));
      expect(containers(inMesh)[0].args).toBeUndefined();
    }
    // Everything but those settings is the istio overlay's.
    const names = (list: K8sObject[]) => list.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names(objects)).toEqual(names(builds['k8s/overlays/istio']));
  });

  it('name the images by the short SHA of a commit of this repository, and label the pods with it', () => {
    const tag = currentImageTag(ROOT);
    expect(tag).toMatch(/^[0-9a-f]{7,40}$/);
    // A commit in this branch's history (CI checks out the full history for this).
    expect(spawnSync('git', ['merge-base', '--is-ancestor', `${tag}^{commit}`, 'HEAD'], { cwd: ROOT }).status, `${tag} is no ancestor of HEAD`).toBe(0);
    for (const dir of KUSTOMIZATIONS) {
      for (const deployment of ofKind(builds[dir], 'Deployment')) {
        const where = `${dir} Deployment/${deployment.metadata.name}`;
        expect(containers(deployment)[0].image, where).toBe(`ghcr.io/k8s-app-monitor/${deployment.metadata.name}:${tag}`);
        for (const labels of [deployment.metadata.labels, podLabels(deployment)]) {
          expect({ version: labels!.version, 'app.kubernetes.io/version': labels!['app.kubernetes.io/version'] }, where).toEqual({ version: tag, 'app.kubernetes.io/version': tag });
        }
      }
    }
    // Compose defaults to the same build, and bakes that tag in as the image's APP_VERSION.
    const compose = readFileSync(join(ROOT, 'compose/docker-compose.yml'), 'utf8');
    expect([...compose.matchAll(/\$\{IMAGE_TAG:-([^}]*)\}/g)].map((m) => m[1])).toEqual([tag, tag, tag, tag]);
    expect([...compose.matchAll(/APP_VERSION: (.*)/g)].map((m) => m[1])).toEqual([`\${IMAGE_TAG:-${tag}}`, `\${IMAGE_TAG:-${tag}}`]);
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^ARG APP_VERSION=.*\n(.*\n)*ENV .*APP_VERSION=\$\{APP_VERSION\}/m);
  });

  it('say latest nowhere a user deploys from', () => {
    const files = execFileSync('git', ['ls-files', 'k8s', 'istio', 'compose', 'Dockerfile'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.(ya?ml)$|Dockerfile$/.test(f));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(readFileSync(join(ROOT, file), 'utf8'), file).not.toMatch(/:latest\b|newTag: latest/);
  });

  it('select pods by the app label Istio and the service graph use', () => {
    for (const deployment of ofKind(builds['k8s/base'], 'Deployment')) {
      expect(selects({ app: deployment.metadata.name }, podLabels(deployment))).toBe(true);
    }
  });
});

describe.skipIf(!hasKubectl)('the checks themselves', () => {
  // Each deliberately broken copy of the istio build must be caught, or the checks prove nothing.
  const broken = (mutate: (objects: K8sObject[]) => void) => {
    const objects = structuredClone(builds['k8s/overlays/istio']);
    mutate(objects);
    return objects;
  };
  const testService = (objects: K8sObject[]) => named(objects, 'Service', 'k8s-app-monitor-test')!;
  const testDeployment = (objects: K8sObject[]) => named(objects, 'Deployment', 'k8s-app-monitor-test')!;

  it('catch a wrong targetPort', () => {
    const objects = broken((o) => (testService(o).spec.ports[0].targetPort = 'htpp'));
    expect(crossReferenceErrors(objects)).toEqual(['Service/k8s-app-monitor-test: targetPort htpp is no container port of k8s-app-monitor-test']);
  });

  it('catch a missing security context', () => {
    const objects = broken((o) => delete containers(testDeployment(o))[0].securityContext);
    expect(policyErrors(objects)).toEqual([
      'Deployment/k8s-app-monitor-test container k8s-app-monitor-test: allowPrivilegeEscalation is not false',
      'Deployment/k8s-app-monitor-test container k8s-app-monitor-test: readOnlyRootFilesystem is not true',
      'Deployment/k8s-app-monitor-test container k8s-app-monitor-test: capabilities do not drop ALL',
    ]);
  });

  it('catch a misspelt field that schema validation alone lets through', async () => {
    const objects = broken((o) => (containers(testDeployment(o))[0].readinesProbe = { httpGet: { path: '/readyz', port: 'http' } }));
    expect(await validationErrors(objects)).toEqual([]);
    expect(unknownFieldErrors(objects).join('\n')).toMatch(/Deployment\/k8s-app-monitor-test: .*readinesProbe.*does not exist in type 'IContainer'/);
  }, 60_000);

  it('catch a principal that names no service account, and a VirtualService to a missing port', () => {
    const objects = broken((o) => {
      named(o, 'AuthorizationPolicy', 'k8s-app-monitor-test')!.spec.rules[0].from[0].source.principals = ['cluster.local/ns/k8s-app-monitor/sa/agent'];
      named(o, 'VirtualService', 'k8s-app-monitor-test')!.spec.http[0].route[0].destination.port.number = 3001;
    });
    expect(crossReferenceErrors(objects)).toEqual([
      'VirtualService/k8s-app-monitor-test: no Service port k8s-app-monitor-test:3001',
      'AuthorizationPolicy/k8s-app-monitor-test: principal cluster.local/ns/k8s-app-monitor/sa/agent is no ServiceAccount here',
    ]);
  });

  it('catch a pod whose metrics a sidecar would merge (exemplars lost)', () => {
    const objects = broken((o) => delete testDeployment(o).spec.template.metadata.annotations['prometheus.istio.io/merge-metrics']);
    expect(policyErrors(objects)).toEqual(['Deployment/k8s-app-monitor-test: prometheus.istio.io/merge-metrics is not "false"']);
  });

  it("catch a NetworkPolicy that keeps Prometheus from the sidecar's metrics port", () => {
    const objects = broken((o) => {
      const rule = named(o, 'NetworkPolicy', 'k8s-app-monitor-agent')!.spec.ingress.find((r: { ports: { port: number }[] }) => r.ports.some((p) => p.port === 15090));
      rule.ports = rule.ports.filter((p: { port: number }) => p.port !== 15090);
    });
    expect(policyErrors(objects)).toEqual([
      'Deployment/k8s-app-monitor-agent: no NetworkPolicy admits namespace monitoring to port 15090',
      'Deployment/k8s-app-monitor-agent: no NetworkPolicy admits namespace istio-system to port 15090',
    ]);
  });

  it('catch a NetworkPolicy that opens the admin port (metrics and /faults) to every namespace', () => {
    const objects = broken((o) => {
      const rule = named(o, 'NetworkPolicy', 'k8s-app-monitor-test')!.spec.ingress.find((r: { ports: { port: number }[] }) => r.ports.some((p) => p.port === 9464));
      rule.from = [{ namespaceSelector: {} }];
    });
    expect(policyErrors(objects)).toEqual([
      'Deployment/k8s-app-monitor-test: a NetworkPolicy admits every namespace to port 9464',
      'Deployment/k8s-app-monitor-test: a NetworkPolicy admits every namespace to port 15090',
    ]);
  });

  it("catch a NetworkPolicy that admits Prometheus's namespace to neither metrics port", () => {
    const objects = broken((o) => {
      const rule = named(o, 'NetworkPolicy', 'k8s-app-monitor-test')!.spec.ingress.find((r: { ports: { port: number }[] }) => r.ports.some((p) => p.port === 15090));
      rule.from = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } }];
    });
    expect(policyErrors(objects)).toEqual([
      'Deployment/k8s-app-monitor-test: no NetworkPolicy admits namespace monitoring to port 9464',
      'Deployment/k8s-app-monitor-test: no NetworkPolicy admits namespace monitoring to port 15090',
    ]);
  });

  it('catch a latest or missing image tag, and a deprecated API version, with no exception for Istio', () => {
    const objects = broken((o) => {
      containers(testDeployment(o))[0].image = 'ghcr.io/k8s-app-monitor/k8s-app-monitor-test:latest';
      containers(named(o, 'Deployment', 'k8s-app-monitor-agent')!)[0].image = 'localhost:5000/k8s-app-monitor-agent';
      named(o, 'VirtualService', 'k8s-app-monitor-test')!.apiVersion = 'networking.istio.io/v1beta1';
      named(o, 'Telemetry', 'k8s-app-monitor-tracing')!.apiVersion = 'telemetry.istio.io/v1alpha1';
    });
    expect(policyErrors(objects)).toEqual([
      'VirtualService/k8s-app-monitor-test: deprecated apiVersion networking.istio.io/v1beta1',
      'Telemetry/k8s-app-monitor-tracing: deprecated apiVersion telemetry.istio.io/v1alpha1',
      'Deployment/k8s-app-monitor-agent container k8s-app-monitor-agent: image has no tag',
      'Deployment/k8s-app-monitor-test container k8s-app-monitor-test: image tag is latest',
    ]);
  });

  it('catch an Ingress to a metrics port', () => {
    const objects = structuredClone(builds['k8s/overlays/ingress-host']);
    named(objects, 'Ingress', 'k8s-app-monitor-agent')!.spec.rules[0].http.paths[0].backend.service.port = { name: 'http-metrics' };
    expect(policyErrors(objects)).toEqual(['Ingress/k8s-app-monitor-agent: exposes the metrics port of k8s-app-monitor-agent']);
  });
});

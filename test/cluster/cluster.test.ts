/**
 * The delivery path on a real Kubernetes: a single-node cluster (infra/versions.env: Kubernetes
 * 1.37, containerd 2) from the tool cache (kind in GitHub Actions), the images from the Dockerfile
 * tagged with the short git SHA, every overlay applied for real, Traefik as the ingress and
 * Gateway API controller, Prometheus 3 (its own pod discovery) and Zipkin in the cluster,
 * `npm run verify` through each method, a rolling update and a pod deletion under load, and
 * Istio's objects admitted and analyzed without a data plane.
 * Run with `npm run test:cluster`; it tears down everything it started, even on failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../system/browser.js';
import { runLoad, type LoadResult } from '../system/load.js';
import { named, parseObjects } from '../manifests/objects.js';
import { findTool, requireTool } from '../helpers/tools.js';
import { clusterAvailable, clusterConfig, get, Kubectl, type KubeJson, Phases, provision, render, ROOT, sh, shortSha } from './harness.js';
import { buildImages, type Images } from './images.js';

const NAMESPACE = 'k8s-app-monitor';
const DEPLOYMENTS = ['k8s-app-monitor-test', 'k8s-app-monitor-agent'];
// Both Ingress methods of the seed, with hosts this machine resolves to loopback: the path method
// on a shared host, the own-host method on a host of its own (Chromium maps *.localhost itself).
const SHARED_HOST = 'localhost';
const OWN_HOST = 'k8s-app-monitor-agent.localhost';

const available = clusterAvailable() && browserAvailable();

describe.skipIf(!available)('the delivery path on a real cluster', () => {
  const config = clusterConfig();
  const phases = new Phases();
  const tag = shortSha();
  // The tag of the rolling update; later steps render the overlays with it, so nothing rolls back.
  const rolloutTag = `${tag}-rollout`;
  const ingress = `http://${SHARED_HOST}:${config.PORT_INGRESS}`;
  let kube: Kubectl;
  let images: Images;
  let traefikKubeconfig: string;

  beforeAll(() => {
    // Interrupted (Ctrl-C, a CI timeout): tear the cluster down before going.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        provision.down();
        process.exit(130);
      });
    }
    images = buildImages(tag);
    phases.mark('images built');
    const cluster = provision.up();
    kube = new Kubectl(cluster.kubeconfig);
    traefikKubeconfig = cluster.traefikKubeconfig;
    phases.mark('cluster up');
  }, 1_800_000);

  afterAll(() => {
    phases.mark('(steps after the last marked one)');
    provision.down();
    images?.release();
    phases.mark('teardown');
    console.log(phases.report());
  }, 300_000);

  /** A Service's ClusterIP URL (this host is on the pod and Service networks). */
  const serviceUrl = (namespace: string, name: string, port: number) => `http://${kube.run(['-n', namespace, 'get', 'service', name, '-o', 'jsonpath={.spec.clusterIP}']).stdout}:${port}`;

  /** `npm run verify` against the agent at `agentUrl` and the in-cluster Prometheus and Zipkin; its report printed under `label`. */
  function verifyThrough(agentUrl: string, label: string): void {
    const verify = spawnSync(
      'npm',
      ['run', '--silent', 'verify', '--', '--agent', agentUrl, '--zipkin', serviceUrl('istio-system', 'zipkin', 9411), '--prometheus', serviceUrl('istio-system', 'prometheus', 9090)],
      { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
    );
    console.log(`npm run verify (cluster, ${label}):\n${verify.stdout}${verify.stderr}`);
    expect(verify.status).toBe(0);
  }

  /** Rolls out every Deployment of the namespace and checks each pod is Ready through its own probes. */
  function rolledOut(namespace = NAMESPACE, names = DEPLOYMENTS): void {
    for (const name of names) kube.run(['-n', namespace, 'rollout', 'status', `deployment/${name}`, '--timeout=240s'], undefined, 260_000);
    const pods = kube.json<{ items: KubeJson[] }>(['-n', namespace, 'get', 'pods']).items.filter((p) => !p.metadata.deletionTimestamp);
    for (const name of names) {
      const ours = pods.filter((p) => p.metadata.labels?.app === name);
      expect(ours.length, name).toBeGreaterThanOrEqual(1);
      for (const pod of ours) {
        const ready = pod.status.conditions?.find((c: { type: string }) => c.type === 'Ready');
        expect(ready?.status, `${pod.metadata.name} Ready`).toBe('True');
        // Ready through the HTTP readiness probe the manifest declares, not by default.
        const container = pod.spec.containers.find((c: { name: string }) => c.name === name);
        expect(container.readinessProbe?.httpGet?.path, pod.metadata.name).toMatch(/^\/(readyz|health|-\/ready)$/);
      }
    }
  }

  /** The agent answers with data from monitor-test, which it found by its Service DNS name. */
  async function agentReachesMonitorTest(): Promise<void> {
    const pods = kube.json<{ items: KubeJson[] }>(['-n', NAMESPACE, 'get', 'pods', '-l', 'app=k8s-app-monitor-agent', '--field-selector=status.phase=Running']).items;
    for (const pod of pods.filter((p) => !p.metadata.deletionTimestamp)) {
      const env = pod.spec.containers[0].env as { name: string; value?: string }[];
      expect(env.find((e) => e.name === 'SERVICE_NAME')?.value).toBe('k8s-app-monitor-test');
      // Ready pods are not yet reachable endpoints: kube-proxy programs the Service's rules a moment
      // after the rollout reports done (a refused connection meanwhile), so allow it 30 s.
      let last = '';
      await eventually(async () => {
        const { status, body } = await get(`http://${pod.status.podIP}:8888/k8s-app-monitor-agent/api/metrics`);
        last = `${pod.metadata.name}: ${status} ${body.slice(0, 300)}`;
        return status === 200 && typeof JSON.parse(body) === 'object';
      }, 30_000).catch((error: Error) => {
        throw new Error(`${error.message}; last answer ${last}`);
      });
    }
  }

  it('imports the images, tagged with the short git SHA', () => {
    provision.load(images.all);
    phases.mark('images loaded');
    // The pods of the first overlay run these very images (checked there, from the kubelet's status).
  }, 600_000);

  it('enforces Pod Security restricted on the namespace', () => {
    expect(
      kube.apply(
        render('k8s/base', tag)
          .split(/^---$/m)
          .find((doc) => /kind: Namespace/.test(doc))!,
      ),
    ).toEqual([]);
    const ns = kube.json(['get', 'namespace', NAMESPACE]);
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    // Proof the label is enforced: a root pod is refused by the API server.
    const refused = spawnSync('kubectl', ['--kubeconfig', kube.kubeconfig, '-n', NAMESPACE, 'run', 'root-probe', `--image=${images.test}`, '--dry-run=server', '--restart=Never'], {
      encoding: 'utf8',
    });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/violates PodSecurity "restricted/);
  });

  it('applies the Istio CRDs (istio.io/api) and the Gateway API CRDs (sigs.k8s.io/gateway-api)', async () => {
    for (const script of ['istio-crds.sh', 'gateway-api-crds.sh']) {
      kube.run(['apply', '--server-side', '-f', sh(`${ROOT}infra/tools/${script}`).trim()], undefined, 180_000);
    }
    // A CRD created a moment ago may have no status yet, which `kubectl wait` reports as an error.
    await eventually(async () => {
      kube.run(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=20s'], undefined, 30_000);
      return true;
    }, 90_000);
    expect(kube.run(['get', 'crd', 'httproutes.gateway.networking.k8s.io', '-o', 'jsonpath={.spec.versions[?(@.served==true)].name}']).stdout).toMatch(/\bv1\b/);
    phases.mark('namespace, Istio and Gateway API CRDs');
  }, 240_000);

  it('admits the istio overlay (every Istio object) and rolls it out', async () => {
    const yaml = render('k8s/overlays/istio', tag);
    expect(kube.apply(yaml)).toEqual([]);
    const istioObjects = parseObjects(yaml).filter((o) => o.apiVersion.includes('istio.io/'));
    expect(istioObjects.length).toBeGreaterThan(0);
    for (const o of istioObjects) {
      const resource = `${o.kind.toLowerCase()}.${o.apiVersion.split('/')[0]}`;
      expect(kube.run(['-n', NAMESPACE, 'get', resource, o.metadata.name, '-o', 'name']).stdout.trim()).toMatch(new RegExp(`/${o.metadata.name}$`));
    }
    rolledOut();
    // The kubelet runs the images imported above, tagged with the short git SHA.
    for (const [app, image] of [
      ['k8s-app-monitor-test', images.test],
      ['k8s-app-monitor-agent', images.agent],
    ] as const) {
      const pods = kube.json<{ items: KubeJson[] }>(['-n', NAMESPACE, 'get', 'pods', '-l', `app=${app}`]).items.filter((p) => !p.metadata.deletionTimestamp);
      for (const pod of pods) {
        const status = pod.status.containerStatuses.find((c: { name: string }) => c.name === app);
        expect(status.image.replace(/^docker\.io\//, ''), pod.metadata.name).toBe(image);
      }
    }
    await agentReachesMonitorTest();
    phases.mark('istio overlay');
  }, 600_000);

  it('analyzes the live cluster with istioctl and server-side admits the kube-injected all-in-one file', () => {
    const istioctl = findTool('istioctl');
    expect(istioctl, 'istioctl (infra/tools/istioctl.sh)').toBeDefined();
    const analyze = spawnSync(istioctl!, ['analyze', '--kubeconfig', kube.kubeconfig, '-n', NAMESPACE], { encoding: 'utf8', timeout: 120_000 });
    const output = analyze.stdout + analyze.stderr;
    console.log(`istioctl analyze (live cluster):\n${output.trim()}`);
    // Without a data plane two findings are expected, and only these: no ingress gateway pod for
    // the Gateway's selector (IST0101) and pods without a sidecar (IST0103). Anything else fails.
    const findings = [...output.matchAll(/^(Error|Warning|Info) \[(IST\d+)\] \((\w+) [^)]*\) (.*)$/gm)];
    const unexpected = findings.filter(
      ([, , code, kind, message]) => !(code === 'IST0103' && kind === 'Pod') && !(code === 'IST0101' && kind === 'Gateway' && message!.includes('"istio=ingressgateway"')),
    );
    expect(unexpected.map(([line]) => line)).toEqual([]);
    expect(findings.length, output).toBeGreaterThan(0);

    const dir = mkdtempSync(join(tmpdir(), 'kube-inject-'));
    const installation = sh(`${istioctl} manifest generate`);
    const configMap = (name: string) => named(parseObjects(installation), 'ConfigMap', name) as unknown as { data: { config: string; values: string; mesh: string } };
    const injector = configMap('istio-sidecar-injector');
    writeFileSync(join(dir, 'inject.yaml'), injector.data.config);
    writeFileSync(join(dir, 'values.json'), injector.data.values);
    writeFileSync(join(dir, 'mesh.yaml'), configMap('istio').data.mesh);
    const injected = sh(
      `${istioctl} kube-inject --revision default -f ${ROOT}k8s/k8s-app-monitor-istio-all-in-one.yaml --injectConfigFile ${dir}/inject.yaml --valuesFile ${dir}/values.json --meshConfigFile ${dir}/mesh.yaml`,
    ).replace(/(image: ghcr\.io\/k8s-app-monitor\/k8s-app-monitor-(?:test|agent)):[^\s@]+/g, `$1:${tag}`);
    expect(injected).toMatch(/name: istio-proxy/);
    const warnings = kube.apply(injected, ['--dry-run=server']);
    console.log(`kube-inject dry run: ${warnings.length} warning(s)${warnings.map((w) => `\n  ${w}`).join('')}`);
    // Pod Security judges pods, not Deployments: ask the API server about each injected pod too,
    // and say what it answers (istio-init needs NET_ADMIN, which `restricted` refuses without Istio CNI).
    for (const deployment of parseObjects(injected).filter((o) => o.kind === 'Deployment')) {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${deployment.metadata.name}-injected`, namespace: NAMESPACE, labels: deployment.spec.template.metadata.labels, annotations: deployment.spec.template.metadata.annotations },
        spec: deployment.spec.template.spec,
      };
      const answer = spawnSync('kubectl', ['--kubeconfig', kube.kubeconfig, 'create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(pod), encoding: 'utf8' });
      console.log(`injected ${deployment.metadata.name} pod under Pod Security restricted: ${answer.status === 0 ? 'admitted' : answer.stderr.trim()}`);
      // What docs/deploy.md tells a mesh user: refused for istio-init's NET_ADMIN/NET_RAW as root
      // (Istio CNI or a `baseline` namespace is the way), and for nothing else.
      expect(answer.status, deployment.metadata.name).not.toBe(0);
      expect(answer.stderr).toMatch(/violates PodSecurity "restricted:latest": unrestricted capabilities \(container "istio-init" must not include "NET_ADMIN", "NET_RAW"/);
      expect(answer.stderr.replaceAll('container "istio-init"', '')).not.toMatch(/container "/);
    }
    phases.mark('istioctl analyze, kube-inject dry run');
  }, 300_000);

  it('starts Traefik against the API server (IngressClass and GatewayClass traefik)', async () => {
    kube.apply(`apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: traefik
spec:
  controller: traefik.io/ingress-controller
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: traefik
spec:
  controllerName: traefik.io/gateway-controller
`);
    provision.start(
      'traefik',
      [
        `${config.TOOLS}/traefik`,
        '--global.checkNewVersion=false',
        '--global.sendAnonymousUsage=false',
        `--entrypoints.web.address=127.0.0.1:${config.PORT_INGRESS}`,
        `--entrypoints.traefik.address=127.0.0.1:${config.PORT_TRAEFIK_API}`,
        '--api=true',
        // The Go module carries no web UI assets: the API only.
        '--api.dashboard=false',
        '--ping=true',
        '--providers.kubernetesingress=true',
        '--providers.kubernetesgateway=true',
        '--log.level=INFO',
      ],
      { ...process.env, KUBECONFIG: traefikKubeconfig },
    );
    await eventually(async () => (await get(`http://127.0.0.1:${config.PORT_TRAEFIK_API}/ping`)).status === 200, 30_000);
  }, 60_000);

  it.each([
    ['ingress-host', OWN_HOST, '/'],
    ['ingress-path', SHARED_HOST, '/k8s-app-monitor-agent/'],
  ])(
    'serves the chart page and its assets through Traefik (%s)',
    async (overlay, host, path) => {
      expect(kube.apply(render(`k8s/overlays/${overlay}`, tag, host))).toEqual([]);
      rolledOut();
      await agentReachesMonitorTest();
      const url = `http://${host}:${config.PORT_INGRESS}${path}`;
      await eventually(async () => (await get(`http://127.0.0.1:${config.PORT_INGRESS}${path}`, host)).status === 200, 30_000);
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        const failed: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('request', (r) => requests.push(new URL(r.url()).pathname));
        page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
        page.on('requestfailed', (r) => failed.push(`${r.failure()?.errorText} ${r.url()}`));
        await page.goto(url);
        await page.waitForSelector('#chart[data-state="ok"] .main-svg', { timeout: 30_000 });
        expect(requests).toContain(`${path}assets/vendor/plotly.js`);
        expect(requests).toContain(`${path}api/metrics`);
        expect(failed).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
      phases.mark(`${overlay} through Traefik, Chromium`);
    },
    600_000,
  );

  it('runs Prometheus (kubernetes_sd_configs, by annotation) and Zipkin in the cluster; npm run verify passes through the ingress', async () => {
    const yaml = render('k8s/observability', tag)
      .replace(/image: k8s-app-monitor-local\/zipkin:\S+/, `image: ${images.zipkin}`)
      .replace(/image: k8s-app-monitor-local\/prometheus:\S+/, `image: ${images.prometheus}`);
    expect(kube.apply(yaml)).toEqual([]);
    rolledOut('istio-system', ['zipkin', 'prometheus']);
    const prometheus = serviceUrl('istio-system', 'prometheus', 9090);
    // Every app pod discovered through its prometheus.io annotations, and up.
    await eventually(async () => {
      const targets = JSON.parse((await get(`${prometheus}/api/v1/targets?state=active`)).body).data.activeTargets as { labels: Record<string, string>; health: string }[];
      const up = targets.filter((t) => t.health === 'up').map((t) => t.labels.app);
      return DEPLOYMENTS.every((app) => up.filter((a) => a === app).length >= 2);
    }, 120_000);
    verifyThrough(`${ingress}/k8s-app-monitor-agent`, 'through Traefik');
    phases.mark('in-cluster Prometheus and Zipkin, npm run verify');
  }, 900_000);

  /** Bounded load through the ingress while `action` runs: 8 workers, 20 ms apart, at most 180 s. */
  async function underLoad(action: () => Promise<void>): Promise<LoadResult> {
    let done = false;
    const deadline = Date.now() + 180_000;
    const load = runLoad(`${ingress}/k8s-app-monitor-agent/api/metrics`, 8, () => done || Date.now() > deadline, { pauseMs: 20 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await action();
      await new Promise((resolve) => setTimeout(resolve, 5000));
    } finally {
      done = true;
    }
    return load;
  }

  function summary(result: LoadResult): string {
    const total = Object.values(result.statuses).reduce((a, b) => a + b, 0) + Object.values(result.failures).reduce((a, b) => a + b, 0);
    const sorted = [...result.durationsMs].sort((a, b) => a - b);
    return `${total} requests, statuses ${JSON.stringify(result.statuses)}, connection errors ${JSON.stringify(result.failures)}, p99 ${sorted[Math.floor(sorted.length * 0.99)]?.toFixed(0)} ms`;
  }

  it('rolls both Deployments to a new image tag under load with zero failed requests', async () => {
    const next = images.retag(rolloutTag);
    provision.load(next.all);
    const result = await underLoad(async () => {
      kube.run(['-n', NAMESPACE, 'set', 'image', 'deployment/k8s-app-monitor-test', `k8s-app-monitor-test=${next.test}`]);
      kube.run(['-n', NAMESPACE, 'set', 'image', 'deployment/k8s-app-monitor-agent', `k8s-app-monitor-agent=${next.agent}`]);
      for (const name of DEPLOYMENTS) kube.run(['-n', NAMESPACE, 'rollout', 'status', `deployment/${name}`, '--timeout=240s'], undefined, 260_000);
    });
    console.log(`rolling update under load: ${summary(result)}`);
    expect(result.failures).toEqual({});
    expect(Object.keys(result.statuses)).toEqual(['200']);
    phases.mark('rolling update under load');
  }, 600_000);

  it('deletes a monitor-test pod under load with zero failed requests', async () => {
    const result = await underLoad(async () => {
      const pod = kube.json<{ items: KubeJson[] }>(['-n', NAMESPACE, 'get', 'pods', '-l', 'app=k8s-app-monitor-test']).items[0].metadata.name as string;
      kube.run(['-n', NAMESPACE, 'delete', 'pod', pod, '--wait=true'], undefined, 120_000);
      kube.run(['-n', NAMESPACE, 'rollout', 'status', 'deployment/k8s-app-monitor-test', '--timeout=120s'], undefined, 130_000);
    });
    console.log(`pod deletion under load: ${summary(result)}`);
    expect(result.failures).toEqual({});
    expect(Object.keys(result.statuses)).toEqual(['200']);
    phases.mark('pod deletion under load');
  }, 600_000);

  it('installs the Helm chart into a namespace of its own: pods Ready through their probes, npm run verify passes', async () => {
    const helm = requireTool('helm', 'infra/tools/helm.sh builds it')!;
    const namespace = 'k8s-app-monitor-helm';
    const install = spawnSync(
      helm,
      [
        '--kubeconfig',
        kube.kubeconfig,
        'install',
        'k8s-app-monitor',
        `${ROOT}charts/k8s-app-monitor`,
        '--set',
        `namespace.name=${namespace}`,
        '--set',
        `image.tag=${tag}`,
        '--wait',
        '--timeout',
        '4m',
      ],
      { encoding: 'utf8', timeout: 300_000 },
    );
    expect(install.status, `${install.stdout}${install.stderr}`).toBe(0);
    rolledOut(namespace);
    const agent = serviceUrl(namespace, 'k8s-app-monitor-agent', 8888);
    // Both releases' pods are discovered by Prometheus; wait for the chart's before counting.
    await eventually(async () => {
      const targets = JSON.parse((await get(`${serviceUrl('istio-system', 'prometheus', 9090)}/api/v1/targets?state=active`)).body).data.activeTargets as {
        labels: Record<string, string>;
        discoveredLabels: Record<string, string>;
        health: string;
      }[];
      return targets.filter((t) => t.health === 'up' && t.discoveredLabels.__meta_kubernetes_namespace === namespace).length >= 4;
    }, 120_000);
    verifyThrough(`${agent}/k8s-app-monitor-agent/`, 'the Helm release');
    phases.mark('helm install, npm run verify');
  }, 600_000);

  it('serves the chart through a Gateway API HTTPRoute (method 3, Traefik kubernetesgateway); npm run verify passes through it', async () => {
    // Only the Gateway routes now: without the Ingress the path is Traefik's 404 until the route is programmed.
    kube.run(['-n', NAMESPACE, 'delete', 'ingress', 'k8s-app-monitor-agent', '--wait=true']);
    const agentPath = `http://127.0.0.1:${config.PORT_INGRESS}/k8s-app-monitor-agent/`;
    await eventually(async () => (await get(agentPath, SHARED_HOST)).status === 404, 30_000);
    // Traefik binds a listener to the entry point of the same port: this Traefik's is PORT_INGRESS.
    const yaml = render('k8s/overlays/gateway', rolloutTag, SHARED_HOST).replace(/^(\s+port: )8000$/m, `$1${config.PORT_INGRESS}`);
    expect(kube.apply(yaml)).toEqual([]);
    rolledOut();
    let conditions = '';
    await eventually(async () => {
      const route = kube.json<KubeJson>(['-n', NAMESPACE, 'get', 'httproute', 'k8s-app-monitor-agent']);
      const parent = route.status?.parents?.[0];
      conditions = JSON.stringify(parent?.conditions ?? []);
      const ok = (type: string) => parent?.conditions?.some((c: { type: string; status: string }) => c.type === type && c.status === 'True');
      return parent?.controllerName === 'traefik.io/gateway-controller' && ok('Accepted') && ok('ResolvedRefs');
    }, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}; HTTPRoute conditions ${conditions}`);
    });
    await eventually(async () => (await get(agentPath, SHARED_HOST)).status === 200, 30_000);
    verifyThrough(`${ingress}/k8s-app-monitor-agent/`, 'through the Gateway API HTTPRoute');
    phases.mark('Gateway API HTTPRoute through Traefik, npm run verify');
  }, 600_000);

  it('runs a drill once (slow-upstream, the rules at 1/15 time): every signal sees the fault and the recovery', async () => {
    // The drill's rules in place of the real ones; a fresh Prometheus pod (Recreate) loads them.
    // Scale 15, not the system test's 60: the cluster scrapes every 5 s, and a 5m window must keep
    // several scrapes (20 s).
    const rules = spawnSync(process.execPath, ['dist/drill/main.js', '--print-rules', '--scale', '15'], { cwd: ROOT, encoding: 'utf8' });
    expect(rules.status, rules.stderr).toBe(0);
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'k8s-app-monitor-rules', namespace: 'istio-system' }, data: { 'k8s-app-monitor.rules.yml': rules.stdout } };
    expect(kube.apply(JSON.stringify(configMap))).toEqual([]);
    kube.run(['-n', 'istio-system', 'rollout', 'restart', 'deployment/prometheus']);
    rolledOut('istio-system', ['prometheus']);
    const prometheus = serviceUrl('istio-system', 'prometheus', 9090);
    await eventually(async () => {
      const targets = JSON.parse((await get(`${prometheus}/api/v1/targets?state=active`)).body).data.activeTargets as { labels: Record<string, string>; health: string }[];
      return targets.filter((t) => t.health === 'up' && t.labels.namespace === NAMESPACE).length >= 4;
    }, 120_000);
    // Each monitor-test replica holds its own faults: the drill sets them on every pod's admin
    // port, reached from the node (on the pod network; a NetworkPolicy does not apply to it).
    const pods = kube
      .json<{ items: KubeJson[] }>(['-n', NAMESPACE, 'get', 'pods', '-l', 'app=k8s-app-monitor-test', '--field-selector=status.phase=Running'])
      .items.filter((p) => !p.metadata.deletionTimestamp);
    const admin = pods.map((p) => `http://${p.status.podIP}:9464/`).join(',');
    const drill = spawnSync(
      process.execPath,
      [
        'dist/drill/main.js',
        'slow-upstream',
        '--agent',
        `${ingress}/k8s-app-monitor-agent/`,
        '--prometheus',
        prometheus,
        '--zipkin',
        serviceUrl('istio-system', 'zipkin', 9411),
        '--admin',
        admin,
        '--scale',
        '15',
        '--rate-interval',
        '20s',
        '--warmup',
        '20',
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 600_000 },
    );
    console.log(`npm run drill -- slow-upstream (cluster, ${pods.length} monitor-test replicas, through the Gateway API route):\n${drill.stdout}${drill.stderr}`);
    expect(drill.status).toBe(0);
    phases.mark('drill slow-upstream');
  }, 720_000);
});

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`not true after ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

/**
 * The Helm chart kept equal to the kustomize manifests: for each overlay, `helm template` with the
 * matching values renders the same objects (only the generator labels differ), and passes the
 * same schema, policy and cross-reference checks. Plus `helm lint --strict`, the values schema
 * rejecting bad values, and the image tag CI packages the chart with.
 * .ci/run builds helm (infra/tools/helm.sh); without it these skip locally and fail in CI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { containers, kustomize, named, ofKind, parseObjects, podLabels, ROOT } from './objects.js';
import { crossReferenceErrors } from './cross-references.js';
import { policyErrors } from './policies.js';
import { unknownFieldErrors, validationErrors } from './schemas.js';
import { currentImageTag } from '../../scripts/set-image-tag.mjs';
import { CHART, EQUIVALENT_VALUES, helmTemplate, kustomizeWith, objectDifferences, runHelm, withoutGeneratorLabels } from './helm.js';
import { kubectl, requireTool } from '../helpers/tools.js';

const helm = requireTool('helm', '.ci/run must build it (infra/tools/helm.sh)');
const hasKubectl = !!kubectl();

describe.skipIf(!helm || !hasKubectl)('the Helm chart', () => {
  describe.each(EQUIVALENT_VALUES)('with the values of $kustomization $components ($what)', ({ kustomization, components, values }) => {
    const fromKustomize = parseObjects(kustomizeWith(kustomization, components));
    const fromHelm = helmTemplate(helm!, { values });

    it('renders the same objects as kubectl kustomize, differing only in the generator labels', () => {
      expect(fromHelm.length).toBe(fromKustomize.length);
      expect(objectDifferences(fromKustomize, fromHelm)).toEqual([]);
      for (const obj of fromHelm) {
        expect(obj.metadata.labels?.['app.kubernetes.io/managed-by'], `${obj.kind}/${obj.metadata.name}`).toBe('Helm');
        expect(obj.metadata.labels?.['helm.sh/chart']).toMatch(/^k8s-app-monitor-\d+\.\d+\.\d+/);
      }
    });

    it('passes the schema, unknown-field, cross-reference and policy checks of the kustomize output', async () => {
      expect(await validationErrors(fromHelm)).toEqual([]);
      expect(unknownFieldErrors(fromHelm)).toEqual([]);
      expect(crossReferenceErrors(fromHelm)).toEqual([]);
      expect(policyErrors(fromHelm)).toEqual([]);
    }, 60_000);

    it('passes helm lint --strict', () => {
      const result = runHelm(helm!, ['lint', '--strict', CHART, ...values.flatMap((v) => ['--values', v])]);
      expect(result.stdout + result.stderr).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
      expect(result.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
      expect(result.status).toBe(0);
    });
  });

  it('catches drift: one changed setting is reported as exactly the object it changes', () => {
    const changed = helmTemplate(helm!, { set: ['agent.upstreamTimeoutMs=2500'] });
    const differences = objectDifferences(parseObjects(kustomize('k8s/base')), changed);
    expect(differences).toHaveLength(1);
    expect(differences[0]).toMatch(/^Deployment\/k8s-app-monitor\/k8s-app-monitor-agent: differs/);
    // And a label other than the generator's is a difference too.
    const relabelled = helmTemplate(helm!);
    relabelled[0]!.metadata.labels!['app.kubernetes.io/instance'] = 'k8s-app-monitor';
    expect(objectDifferences(parseObjects(kustomize('k8s/base')), relabelled)).toHaveLength(1);
  });

  it('ignores only the generator labels', () => {
    const obj = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x', labels: { 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'c-1', app: 'x' } } };
    expect(withoutGeneratorLabels(obj).metadata.labels).toEqual({ app: 'x' });
  });

  it('defaults the image tag to the appVersion, the tag the kustomize manifests name', () => {
    const appVersion = (parse(runHelm(helm!, ['show', 'chart', CHART]).stdout) as { appVersion: string }).appVersion;
    expect(appVersion).toBe(currentImageTag(ROOT));
  });

  it('sets every setting a user changes', () => {
    const objects = helmTemplate(helm!, {
      set: [
        'image.registry=registry.example.com/team',
        'image.tag=abc1234',
        'agent.replicas=3',
        'test.replicas=4',
        'agent.serviceName=api.example',
        'agent.appPort=3300',
        'test.port=3300',
        'tracing.zipkinEndpoint=http://collector:9411/api/v2/spans',
        'tracing.sampler=parentbased_traceidratio',
        'tracing.samplerArg=0.25',
        'agent.resources.limits.memory=300Mi',
        'ingress.method=host',
        'ingress.host=monitor.example.com',
        'ingress.className=nginx',
        'monitoring.podMonitor.enabled=true',
        'monitoring.prometheusRule.enabled=true',
        'namespace.name=apps',
      ],
    });
    const agent = named(objects, 'Deployment', 'k8s-app-monitor-agent')!;
    const test = named(objects, 'Deployment', 'k8s-app-monitor-test')!;
    const env = Object.fromEntries((containers(agent)[0].env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
    expect(containers(agent)[0].image).toBe('registry.example.com/team/k8s-app-monitor-agent:abc1234');
    expect(containers(test)[0].image).toBe('registry.example.com/team/k8s-app-monitor-test:abc1234');
    expect([agent.spec.replicas, test.spec.replicas]).toEqual([3, 4]);
    expect(env).toMatchObject({
      SERVICE_NAME: 'api.example',
      APP_PORT: '3300',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://collector:9411/api/v2/spans',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(containers(agent)[0].resources.limits.memory).toBe('300Mi');
    expect(named(objects, 'Service', 'k8s-app-monitor-test')!.spec.ports[0].port).toBe(3300);
    expect(named(objects, 'Ingress', 'k8s-app-monitor-agent')!.spec).toMatchObject({ ingressClassName: 'nginx', rules: [{ host: 'monitor.example.com' }] });
    expect(new Set(objects.map((o) => o.metadata.namespace ?? o.metadata.name))).toEqual(new Set(['apps']));
    expect(
      ofKind(objects, 'PodMonitor')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['k8s-app-monitor', 'k8s-app-monitor-sidecars']);
    expect(ofKind(objects, 'PrometheusRule')).toHaveLength(1);
    expect(crossReferenceErrors(objects)).toEqual([]);
    expect(policyErrors(objects)).toEqual([]);
  });

  // Helm reports the value by its JSON pointer, with what was wrong and what is allowed.
  it.each([
    [['ingress.method=paths'], "at '/ingress/method': value must be one of 'none', 'path', 'host'"],
    [['agent.appPort=abc'], "at '/agent/appPort': got string, want integer"],
    [['test.replicas=-1'], "at '/test/replicas': minimum: got -1, want 0"],
    [['tracing.sampler=sometimes'], "at '/tracing/sampler': value must be one of '', 'always_on'"],
    [['image.tag=v1 2'], "at '/image/tag': 'v1 2' does not match pattern"],
    [['agent.serviceNmae=x'], "at '/agent': additional properties 'serviceNmae' not allowed"],
  ])('rejects bad values with a message naming the setting: --set %s', (set, message) => {
    const result = runHelm(helm!, ['template', 'k8s-app-monitor', CHART, ...set.flatMap((s) => ['--set', s])]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/values don't meet the specifications of the schema/);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  describe('packaged as CI packages it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helm-package-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('with --app-version set to the short SHA, the images carry that tag and the ci/ values stay out', () => {
      const result = runHelm(helm!, ['package', CHART, '--app-version', 'abc1234', '--destination', dir]);
      expect(result.status, result.stderr).toBe(0);
      const tgz = join(dir, 'k8s-app-monitor-0.1.0.tgz');
      const deployments = ofKind(helmTemplate(helm!, { chart: tgz }), 'Deployment');
      expect(deployments.map((d) => containers(d)[0].image).sort()).toEqual(['ghcr.io/k8s-app-monitor/k8s-app-monitor-agent:abc1234', 'ghcr.io/k8s-app-monitor/k8s-app-monitor-test:abc1234']);
      // The version labels Istio's telemetry reads follow the tag, as kustomize's do.
      for (const d of deployments) expect(podLabels(d)).toMatchObject({ version: 'abc1234', 'app.kubernetes.io/version': 'abc1234' });
      const chart = parse(runHelm(helm!, ['show', 'chart', tgz]).stdout) as { appVersion: string };
      expect(chart.appVersion).toBe('abc1234');
      const files = runHelm('tar', ['tzf', tgz]).stdout;
      expect(files).toContain('k8s-app-monitor/values.schema.json');
      expect(files).not.toContain('k8s-app-monitor/ci/');
    });
  });
});

/** The CI pipeline, checked by actionlint (the closest thing to GitHub that runs here). */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './objects.js';
import { requireTool } from '../helpers/tools.js';

const actionlint = requireTool('actionlint', '.ci/run must build it');

describe.skipIf(!actionlint)('.github/workflows', () => {
  it('passes actionlint', () => {
    const result = spawnSync(actionlint!, ['-no-color'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('tests every push and pull request, and ships multi-arch images tagged with the short SHA, with SBOM and provenance', () => {
    const workflow = parse(readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8'));
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.jobs.test.steps.at(-1).run).toBe('bash .ci/run');
    const build = workflow.jobs.images.steps.find((s: { uses?: string }) => s.uses?.startsWith('docker/build-push-action'));
    expect(build.with.platforms).toBe('linux/amd64,linux/arm64');
    expect(build.with.tags).toContain(':${{ steps.sha.outputs.short }}');
    expect(build.with.tags).toContain(':latest');
    // The build's version, in spans, is the tag the pods' version label carries.
    expect(build.with['build-args']).toContain('APP_VERSION=${{ steps.sha.outputs.short }}');
    expect(workflow.jobs.test.steps[0].with['fetch-depth']).toBe(0);
    expect(build.with.sbom).toBe(true);
    expect(build.with.provenance).toBe('mode=max');
    expect(workflow.jobs.images.if).toContain('refs/heads/main');
    expect(workflow.jobs.images.strategy.matrix.service).toEqual(['k8s-app-monitor-test', 'k8s-app-monitor-agent']);
    // The Helm chart is packaged with the same short SHA as its appVersion (the default image tag).
    const packaging = workflow.jobs.manifests.steps.find((s: { run?: string }) => s.run?.includes('helm package'));
    expect(packaging.run).toContain('helm package charts/k8s-app-monitor --app-version "${SHA}"');
    expect(workflow.jobs.manifests.steps.at(-1).with.path).toContain('k8s-app-monitor-*.tgz');
  });

  it('gives .ci/run the tools it expects from the workflow, before running it, and .ci/run installs the rest', () => {
    const workflow = parse(readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8'));
    const run = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    const steps = workflow.jobs.test.steps as { uses?: string; run?: string; with?: Record<string, string> }[];
    const ciRun = steps.findIndex((s) => s.run === 'bash .ci/run');
    const before = (action: string) => steps.findIndex((s) => s.uses?.startsWith(`${action}@`));
    // .ci/run stops at once without Go; the workflow must provide it first, on a Node older than 24.
    expect(run).toMatch(/command -v go >\/dev\/null \|\| \{ echo "ci: go is missing/);
    expect(before('actions/setup-go')).toBeGreaterThanOrEqual(0);
    expect(before('actions/setup-go')).toBeLessThan(ciRun);
    expect(steps[before('actions/setup-go')]!.with!['go-version']).toBe('1.26');
    expect(workflow.jobs.test.container).toBe('node:20-bookworm');
    // Everything else comes from Debian, installed by .ci/run itself when missing, in one block;
    // Prometheus, containerd and runc are not among them (built from the Go module proxy).
    expect(run.match(/apt-get install/g)).toHaveLength(1);
    for (const pkg of ['chromium', 'openjdk-17-jre-headless', 'maven', 'docker-compose', 'docker.io', 'etcd-server', 'shellcheck'])
      expect(run, pkg).toMatch(new RegExp(`:${pkg.replace('.', '\\.')}\\b`));
    expect(run).toContain('missing+=(python3-venv)');
    expect(run).not.toMatch(/:prometheus|:containerd|:runc|grafana/);
    // Helm comes from infra/tools/helm.sh (Helm 4) in every job, never azure/setup-helm.
    expect(JSON.stringify(workflow)).not.toContain('azure/setup-helm');
    expect(workflow.jobs.manifests.steps.find((s: { run?: string }) => s.run?.includes('helm package')).run).toContain('infra/tools/helm.sh');
    // The Go-built tools survive between runs.
    expect(steps.find((s) => s.uses?.startsWith('actions/cache@'))!.with!.path).toContain('~/.cache/k8s-app-monitor');
  });
});

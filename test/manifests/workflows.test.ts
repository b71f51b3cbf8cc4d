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
    expect(workflow.jobs.images.if).toContain("refs/heads/main");
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
    // .ci/run stops at once without these; the workflow must provide them first.
    expect(/for tool in ([\w ]+); do/.exec(run)?.[1]?.split(' ')).toEqual(['go', 'kubectl']);
    expect(before('actions/setup-go')).toBeGreaterThanOrEqual(0);
    expect(before('actions/setup-go')).toBeLessThan(ciRun);
    expect(steps[before('actions/setup-go')]!.with!['go-version']).toBe('1.26');
    expect(before('azure/setup-kubectl')).toBeGreaterThanOrEqual(0);
    expect(before('azure/setup-kubectl')).toBeLessThan(ciRun);
    expect(steps[before('azure/setup-kubectl')]!.with!.version).toMatch(/^v1\.32\.\d+$/);
    // Everything else comes from Debian, installed by .ci/run itself when missing.
    for (const pkg of ['chromium', 'prometheus', 'openjdk-17-jre-headless', 'maven', 'docker-compose', 'python3-venv']) {
      expect(run, pkg).toContain(`missing+=(${pkg})`);
    }
    // The Go-built tools survive between runs.
    expect(steps.find((s) => s.uses?.startsWith('actions/cache@'))!.with!.path).toContain('~/.cache/k8s-app-monitor');
  });
});

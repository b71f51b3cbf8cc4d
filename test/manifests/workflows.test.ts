/** The CI pipeline, checked by actionlint (the closest thing to GitHub that runs here). */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './objects.js';
import { findTool } from './tools.js';

const actionlint = findTool('actionlint');
if (!actionlint && process.env.CI === 'true') throw new Error('CI=true but actionlint is missing: .ci/run must build it');

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
    expect(build.with.sbom).toBe(true);
    expect(build.with.provenance).toBe('mode=max');
    expect(workflow.jobs.images.if).toContain("refs/heads/main");
    expect(workflow.jobs.images.strategy.matrix.service).toEqual(['k8s-app-monitor-test', 'k8s-app-monitor-agent']);
    // The Helm chart is packaged with the same short SHA as its appVersion (the default image tag).
    const packaging = workflow.jobs.manifests.steps.find((s: { run?: string }) => s.run?.includes('helm package'));
    expect(packaging.run).toContain('helm package charts/k8s-app-monitor --app-version "${SHA}"');
    expect(workflow.jobs.manifests.steps.at(-1).with.path).toContain('k8s-app-monitor-*.tgz');
  });
});

/**
 * One rule for a real tool that is missing, in every manifest test: skip locally, fail under
 * CI=true with a message naming how CI gets it. Proved by running the kustomize tests with a PATH
 * that has node and nothing else (no kubectl), once as a developer and once as CI.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './objects.js';
import { requireTool } from '../helpers/tools.js';

describe('a missing real tool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'missing-tools-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  symlinkSync(process.execPath, join(dir, 'node'));
  // The project's vitest settings without the global build step (which needs npm on PATH).
  const config = join(dir, 'vitest.config.mjs');
  writeFileSync(config, `export default { test: { root: ${JSON.stringify(ROOT)}, include: ['test/manifests/kustomize.test.ts'] } };\n`);
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', config], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      // No kubectl on PATH, and an empty tools cache.
      env: { PATH: dir, HOME: dir, K8S_APP_MONITOR_TOOLS: join(dir, 'bin'), NO_COLOR: '1', ...env },
    });

  it('is found by name, or reported as missing (on a developer machine: CI unset)', () => {
    const previous = process.env.CI;
    delete process.env.CI;
    try {
      expect(requireTool('node', 'n/a')).toMatch(/\/node$/);
      expect(requireTool('no-such-tool-k8s-app-monitor', 'n/a')).toBeUndefined();
    } finally {
      if (previous !== undefined) process.env.CI = previous;
    }
  });

  it('fails under CI=true, naming how CI gets it', () => {
    const previous = process.env.CI;
    process.env.CI = 'true';
    try {
      expect(() => requireTool('no-such-tool-k8s-app-monitor', '.ci/run must build it')).toThrow('CI=true but no-such-tool-k8s-app-monitor is missing (.ci/run must build it)');
    } finally {
      if (previous === undefined) delete process.env.CI;
      else process.env.CI = previous;
    }
  });

  it('without kubectl: the kustomize tests skip locally', () => {
    const result = run({});
    expect(result.stdout + result.stderr).toMatch(/skipped/);
    expect(result.stdout + result.stderr).not.toMatch(/ENOENT|failed/i);
    expect(result.status).toBe(0);
  }, 120_000);

  it('without kubectl: the kustomize tests fail under CI=true, saying so', () => {
    const result = run({ CI: 'true' });
    expect(result.stdout + result.stderr).toContain('CI=true but kubectl is missing');
    expect(result.status).not.toBe(0);
  }, 120_000);
});

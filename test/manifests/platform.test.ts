/**
 * The platform the tests run on is the one infra/versions.env names: each Go-built tool in the tool
 * cache reports that version (a stale cache or a PATH with Debian's Prometheus 2 fails here), the
 * dashboard checker's go.mod pins the same Prometheus module, and the `node` devDependency that
 * runs every npm script is NODE_VERSION.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';
import { requireTool } from '../helpers/tools.js';
import { version } from '../helpers/versions.js';

const built = 'infra/tools/build.sh builds it into the tool cache';
const reports = (tool: string | undefined, args: string[]): string => {
  const run = spawnSync(tool!, args, { encoding: 'utf8' });
  return run.stdout + run.stderr;
};

describe('the pinned platform', () => {
  const tools = {
    prometheus: requireTool('prometheus', built),
    promtool: requireTool('promtool', built),
    helm: requireTool('helm', built),
    kubectl: requireTool('kubectl', built),
  };

  it.runIf(tools.prometheus && tools.promtool)('Prometheus and promtool are the one Prometheus 3 build', () => {
    expect(version('PROMETHEUS_VERSION')).toMatch(/^3\./);
    const [major, minor, patch] = version('PROMETHEUS_VERSION').split('.');
    expect(version('PROMETHEUS_MODULE_VERSION')).toBe(`v0.${major}${minor!.padStart(2, '0')}.${patch}`); // 3.16.0 is v0.316.0
    expect(reports(tools.prometheus, ['--version'])).toMatch(new RegExp(`^prometheus, version ${version('PROMETHEUS_VERSION').replaceAll('.', '\\.')} `));
    expect(reports(tools.promtool, ['--version'])).toMatch(new RegExp(`^promtool, version ${version('PROMETHEUS_VERSION').replaceAll('.', '\\.')} `));
  });

  it("kind's node in GitHub Actions runs the same Kubernetes as the local cluster", () => {
    const kind = readFileSync(join(ROOT, 'infra/cluster/kind.yaml'), 'utf8');
    expect([...kind.matchAll(/image: kindest\/node:(\S+)/g)].map((m) => m[1])).toEqual([version('KUBERNETES_VERSION')]);
  });

  it.runIf(tools.helm)('Helm is 4', () => {
    expect(version('HELM_VERSION')).toMatch(/^v4\./);
    expect(reports(tools.helm, ['version', '--short'])).toMatch(new RegExp(`^${version('HELM_VERSION').replaceAll('.', '\\.')}(\\+|\\n)`));
  });

  it.runIf(tools.kubectl)('kubectl is the Kubernetes release of the cluster', () => {
    expect(JSON.parse(reports(tools.kubectl, ['version', '--client', '-o', 'json'])).clientVersion.gitVersion).toBe(version('KUBERNETES_VERSION'));
  });

  it("the dashboard checker's go.mod pins the Prometheus module of versions.env and grafana-foundation-sdk v0.0.22", () => {
    const gomod = readFileSync(join(ROOT, 'infra/tools/dashboard-check/go.mod'), 'utf8');
    expect(gomod).toContain(`github.com/prometheus/prometheus ${version('PROMETHEUS_MODULE_VERSION')}`);
    expect(gomod).toContain('github.com/grafana/grafana-foundation-sdk/go v0.0.22');
  });

  it('the node devDependency is NODE_VERSION, and the npm scripts run under it', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies.node).toBe(version('NODE_VERSION'));
    if (process.env.npm_lifecycle_event) expect(process.version).toBe(`v${version('NODE_VERSION')}`);
  });
});

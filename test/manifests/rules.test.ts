/** The alert rules, checked and unit-tested by promtool (each alert firing and not firing). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './objects.js';
import { requireTool } from '../helpers/tools.js';

const promtool = requireTool('promtool', 'infra/tools/prometheus.sh builds it into the tool cache');
const RULES = 'k8s/monitoring/k8s-app-monitor.rules.yml';
const TESTS = 'k8s/monitoring/k8s-app-monitor.rules.test.yml';

describe.skipIf(!promtool)('alert rules', () => {
  it('pass promtool check rules', () => {
    const result = spawnSync(promtool!, ['check', 'rules', RULES], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stdout).toContain('SUCCESS: 16 rules found');
    expect(result.status).toBe(0);
  });

  it('pass promtool test rules', () => {
    const result = spawnSync(promtool!, ['test', 'rules', TESTS], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('test every alert both firing and not firing', () => {
    const rules = parse(readFileSync(join(ROOT, RULES), 'utf8')) as { groups: { rules: { alert?: string }[] }[] };
    const alerts = new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : []))));
    expect([...alerts].sort()).toEqual([
      'K8sAppMonitorAvailabilitySLOBurn',
      'K8sAppMonitorEventLoopLag',
      'K8sAppMonitorHighErrorRatio',
      'K8sAppMonitorLatencySLOBurn',
      'K8sAppMonitorTargetDown',
      'K8sAppMonitorUpstreamFailing',
    ]);
    const tests = parse(readFileSync(join(ROOT, TESTS), 'utf8')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test);
    for (const alert of alerts) {
      expect(
        cases.some((c) => c.alertname === alert && c.exp_alerts.length > 0),
        `${alert} firing`,
      ).toBe(true);
      expect(
        cases.some((c) => c.alertname === alert && c.exp_alerts.length === 0),
        `${alert} not firing`,
      ).toBe(true);
    }
  });

  it('fail promtool test rules when an alert is broken (the tests can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    try {
      writeFileSync(join(dir, 'k8s-app-monitor.rules.yml'), readFileSync(join(ROOT, RULES), 'utf8').replace('> 0.05', '> 0.5'));
      writeFileSync(join(dir, 'rules.test.yml'), readFileSync(join(ROOT, TESTS), 'utf8'));
      const result = spawnSync(promtool!, ['test', 'rules', join(dir, 'rules.test.yml')], { encoding: 'utf8' });
      expect(result.status).not.toBe(0);
      expect(result.stdout + result.stderr).toContain('alertname: K8sAppMonitorHighErrorRatio');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

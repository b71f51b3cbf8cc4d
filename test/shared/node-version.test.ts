import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { enginesNode, minimumNode, unsupportedNodeMessage } from '../../src/shared/node-version.js';

const dist = (path: string): string => fileURLToPath(new URL(`../../dist/${path}`, import.meta.url));

describe('the Node.js version check', () => {
  it('accepts the required line and later ones, and refuses older ones with one line naming both versions', () => {
    expect(unsupportedNodeMessage('v24.0.0', '>=24')).toBeUndefined();
    expect(unsupportedNodeMessage('v26.1.0', '>=24')).toBeUndefined();
    expect(unsupportedNodeMessage('v24.3.0', '>=24.3')).toBeUndefined();
    expect(unsupportedNodeMessage('v24.2.9', '>=24.3')).toMatch(/needs Node\.js >=24\.3 .*this is Node\.js v24\.2\.9$/);
    const message = unsupportedNodeMessage('v20.19.5', '>=24');
    expect(message).toBe('k8s-app-monitor needs Node.js >=24 (package.json engines); this is Node.js v20.19.5');
  });

  it('reads a ">=" range and rejects any other form rather than guessing', () => {
    expect(minimumNode('>=22.15.0')).toEqual([22, 15, 0]);
    expect(() => minimumNode('^24')).toThrow(/engines.node/);
  });

  it("package.json's engines asks for Node 24 or later", () => {
    expect(minimumNode(enginesNode())[0]).toBeGreaterThanOrEqual(24);
  });
});

/** Node arguments that make the process report an old version before the service's own code runs. */
const pretendNode20 = ['--import', 'data:text/javascript,Object.defineProperty(process,"version",{value:"v20.19.5"})'];

function run(nodeArgs: string[], node = process.execPath) {
  const result = spawnSync(node, nodeArgs, { encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH ?? '', OTEL_TRACES_EXPORTER: 'none' } });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('starting on an older Node.js', () => {
  it.each([
    ['monitor-test, with its tracing preload', ['--import', dist('monitor-test/instrumentation.js'), dist('monitor-test/main.js')]],
    ['the agent, without the preload', [dist('monitor-agent/main.js')]],
    ['npm start (both services)', [dist('start-all.js')]],
  ])('%s exits 78 with one line naming the required version', (_name, args) => {
    const { status, stderr, stdout } = run([...pretendNode20, ...args]);
    expect(status).toBe(78);
    expect(stdout).toBe('');
    expect(stderr).toBe('k8s-app-monitor needs Node.js >=24 (package.json engines); this is Node.js v20.19.5\n');
  });

  // The machines this project runs on ship Node 20 as /usr/bin/node: run the real one when present.
  const systemNode = '/usr/bin/node';
  const old = existsSync(systemNode) ? spawnSync(systemNode, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  it.runIf(old && unsupportedNodeMessage(old, enginesNode()))(`the machine's own ${old || 'node'} gets the same one line`, () => {
    const { status, stderr } = run(['--import', dist('monitor-agent/instrumentation.js'), dist('monitor-agent/main.js')], systemNode);
    expect(status).toBe(78);
    expect(stderr).toBe(`k8s-app-monitor needs Node.js >=24 (package.json engines); this is Node.js ${old}\n`);
  });
});

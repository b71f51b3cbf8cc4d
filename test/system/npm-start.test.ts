/**
 * The README's first command on a machine whose own Node is older than 24 (this one's is 20, as
 * Debian's and most CI images' are): `npm start`, from a shell that knows nothing of
 * node_modules/.bin, serves the chart with the Node 24 of the `node` devDependency.
 */
import { spawn, spawnSync } from 'node:child_process';
import { delimiter } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/processes.js';
import { ROOT } from '../helpers/paths.js';
import { version } from '../helpers/versions.js';

const shellPath = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => !dir.includes('node_modules'))
  .join(delimiter);
const machineNode = spawnSync('node', ['--version'], { encoding: 'utf8', env: { PATH: shellPath } }).stdout.trim();
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
});

describe('npm start on the machine', () => {
  it(`serves the chart under Node ${version('NODE_VERSION')}, whatever the machine's own Node (${machineNode || 'none'})`, async () => {
    const [testPort, agentPort, testMetrics, agentMetrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
    // --ignore-scripts skips prestart's build: the suite's global setup has built dist/, and a
    // rebuild here would rewrite files other tests' processes are loading.
    const child = spawn('npm', ['start', '--silent', '--ignore-scripts'], {
      cwd: ROOT,
      env: {
        PATH: shellPath,
        HOME: process.env.HOME ?? '',
        TEST_PORT: String(testPort),
        AGENT_PORT: String(agentPort),
        TEST_METRICS_PORT: String(testMetrics),
        AGENT_METRICS_PORT: String(agentMetrics),
        OTEL_TRACES_EXPORTER: 'none',
      },
      stdio: 'ignore',
      detached: true,
    });
    children.push(child);
    try {
      const deadline = Date.now() + 90_000;
      let page: Response | undefined;
      while (Date.now() < deadline && !page?.ok) {
        page = await fetch(`http://127.0.0.1:${agentPort}/k8s-app-monitor-agent/`).catch(() => undefined);
        if (!page?.ok) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(page?.status).toBe(200);
      expect(await page!.text()).toContain('<div id="chart"');
      const versions = await Promise.all([agentPort, testPort].map(async (port) => ((await (await fetch(`http://127.0.0.1:${port}/version`)).json()) as { node: string }).node));
      expect(versions).toEqual([`v${version('NODE_VERSION')}`, `v${version('NODE_VERSION')}`]);
    } finally {
      // npm start runs start-all in its own process group: stop the group, as Ctrl-C would.
      process.kill(-child.pid!, 'SIGTERM');
    }
  }, 120_000);
});

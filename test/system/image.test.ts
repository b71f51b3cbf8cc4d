/**
 * What the image does, without Docker (no engine runs here): the packed build plus
 * `npm ci --omit=dev` from the lockfile into an empty folder, then each service started with the
 * exact CMD of its Dockerfile target. A runtime dependency left in devDependencies fails here.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startCommand, stopAll, waitForOk } from '../helpers/processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `CMD [...]` of each Dockerfile target, parsed from the Dockerfile itself. */
function dockerfileCommands(): Record<string, string[]> {
  const commands: Record<string, string[]> = {};
  let target = '';
  for (const line of readFileSync(join(ROOT, 'Dockerfile'), 'utf8').split('\n')) {
    const from = /^FROM \S+ AS (\S+)/.exec(line);
    if (from) target = from[1]!;
    const cmd = /^CMD (\[.*\])$/.exec(line);
    if (cmd) commands[target] = JSON.parse(cmd[1]!) as string[];
  }
  return commands;
}

describe('the image, reproduced without Docker', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'k8s-app-monitor-image-'));
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').at(-1)!;
    execFileSync('tar', ['-xzf', join(dir, tarball), '-C', dir, '--strip-components=1']);
    copyFileSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'ignore' });
  }, 180_000);
  afterAll(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ships the compiled output and production dependencies only', () => {
    const installed = execFileSync('npm', ['ls', '--omit=dev', '--depth=0', '--json'], { cwd: dir, encoding: 'utf8' });
    const names = Object.keys((JSON.parse(installed) as { dependencies: object }).dependencies);
    expect(names).toContain('koa');
    for (const dev of ['typescript', 'vitest', 'playwright-core', 'plotly.js-dist', 'supertest', 'dejavu-fonts-ttf']) expect(names).not.toContain(dev);
    // The chart's font ships in dist/ (the distroless image has no fonts), with its licence.
    expect(readFileSync(join(dir, 'dist/monitor-agent/fonts/DejaVuSans.ttf')).length).toBeGreaterThan(500_000);
    expect(readFileSync(join(dir, 'dist/monitor-agent/fonts/LICENSE'), 'utf8')).toContain('Bitstream Vera');
    expect(() => readFileSync(join(dir, 'src/monitor-test/main.ts'))).toThrow();
    expect(readFileSync(join(dir, 'dist/monitor-agent/public/vendor/plotly.js.br')).length).toBeGreaterThan(100_000);
  });

  it('starts each Dockerfile target with its CMD and answers', async () => {
    const commands = dockerfileCommands();
    expect(Object.keys(commands).sort()).toEqual(['k8s-app-monitor-agent', 'k8s-app-monitor-test']);
    const [testPort, agentPort] = [await freePort(), await freePort()];
    const env = { OTEL_TRACES_EXPORTER: 'none', NODE_ENV: 'production' };
    const test = startCommand(process.execPath, commands['k8s-app-monitor-test']!, { ...env, PORT: String(testPort), METRICS_PORT: String(await freePort()) }, dir);
    await waitForOk(`http://127.0.0.1:${testPort}/metrics`, test);
    const agent = startCommand(process.execPath, commands['k8s-app-monitor-agent']!, { ...env, PORT: String(agentPort), APP_PORT: String(testPort), METRICS_PORT: String(await freePort()) }, dir);
    await waitForOk(`http://127.0.0.1:${agentPort}/api/metrics`, agent);
    const plotly = await fetch(`http://127.0.0.1:${agentPort}/k8s-app-monitor-agent/assets/vendor/plotly.js`, { headers: { 'accept-encoding': 'br' } });
    expect(plotly.status).toBe(200);
    // The server-rendered chart: resvg's prebuilt binary and the bundled font, without dev dependencies.
    const png = await fetch(`http://127.0.0.1:${agentPort}/k8s-app-monitor-agent`, { headers: { accept: 'image/png' } });
    expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(0, 8)
        .toString('hex'),
    ).toBe('89504e470d0a1a0a');
    expect(await test.stop()).toBe(0);
    expect(await agent.stop()).toBe(0);
  });
});

/**
 * The delivery path's first half, for real (issue 14 part 2): both images built by a private Docker
 * engine from the unchanged Dockerfile, checked, then the seed's compose test and the
 * observability overlay run with them, each verified by `npm run verify`. Prints phase timings.
 * Runs with `npm run test:compose` (not in `npm test`: a cold run takes ~10 minutes). Grafana is
 * AGPL and never run by this project; the dashboards are checked by test/manifests/dashboards.test.ts
 * and test/system/dashboards.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { engineAvailable, seconds, sh, startEngine, type Engine } from './engine.js';

const PROJECT = 'k8s-app-monitor-compose-test';
const SERVICES = ['k8s-app-monitor-test', 'k8s-app-monitor-agent'] as const;
const BASE = ['-p', PROJECT, '-f', 'compose/docker-compose.yml'];
const OVERLAY = [...BASE, '-f', 'compose/docker-compose.observability.yml', '-f', 'test/compose/docker-compose.local-images.yml'];
const VERIFY = fileURLToPath(new URL('../../dist/verify/main.js', import.meta.url));
const AGENT_PAGE = 'http://localhost:8888/k8s-app-monitor-test/';

const timings: [string, number][] = [];
const reports: string[] = [];

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const value = await check().catch((error: Error) => {
      last = error.message;
      return undefined;
    });
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what} not within ${timeoutMs} ms ${last}`);
}

describe.skipIf(!engineAvailable())('images and compose, for real', () => {
  let engine: Engine;
  let env: Record<string, string>;
  const compose = (files: string[], ...args: string[]) => sh('docker-compose', [...files, ...args], env);
  const docker = (...args: string[]) => sh('docker', args, env);
  const containerId = async (service: string) => (await compose(OVERLAY, 'ps', '-q', service)).stdout.trim();
  const inspect = async (service: string) => JSON.parse((await docker('inspect', await containerId(service))).stdout)[0];

  beforeAll(async () => {
    const t = Date.now();
    engine = await startEngine();
    env = { ...engine.env };
    timings.push([`engine start (${engine.startedHere ? 'started here' : 'already running'})`, seconds(t)]);
  }, 120_000);

  afterAll(async () => {
    const t = Date.now();
    if (env) await compose(OVERLAY, 'down', '-v', '--remove-orphans', '-t', '5').catch((error: Error) => console.error(error.message));
    await engine?.stop();
    timings.push(['tear-down (compose down, engine stop)', seconds(t)]);
    console.log(`phase timings:\n${timings.map(([phase, s]) => `  ${phase.padEnd(60)} ${s.toFixed(1)} s`).join('\n')}\n${reports.join('\n')}`);
  }, 120_000);

  it('builds both images from the unchanged Dockerfile (classic builder, short-SHA tag)', async () => {
    const tag = (await sh('git', ['rev-parse', '--short', 'HEAD'], {})).stdout.trim();
    const cached = (image: string) =>
      docker('image', 'inspect', image).then(
        () => 'warm',
        () => 'cold',
      );
    const [base, app] = [await cached('node:24-bookworm-slim'), await cached(`ghcr.io/k8s-app-monitor/k8s-app-monitor-agent:${tag}`)];
    const t = Date.now();
    const { stdout, stderr } = await sh('infra/images/build.sh', [], env);
    timings.push([`images: base ${base}, app ${app} (build.sh)`, seconds(t)]);
    reports.push(
      stderr
        .split('\n')
        .filter((l) => /^(base-images|build):/.test(l))
        .join('\n'),
    );
    expect(stdout).toContain(`IMAGE_TAG=${tag}`);
    env.IMAGE_TAG = tag;
    for (const service of SERVICES) await docker('image', 'inspect', `ghcr.io/k8s-app-monitor/${service}:${tag}`);
  }, 1_800_000);

  it('checks each image: size, non-root user, no shell, start-up time', async () => {
    const t = Date.now();
    const { stdout } = await sh('infra/images/check.sh', [], env);
    timings.push(['image checks', seconds(t)]);
    reports.push(stdout.trim());
    expect(stdout).not.toContain('FAIL');
    for (const service of SERVICES) expect(stdout).toMatch(new RegExp(`ok   ${service}: ready after \\d+ ms`));
  }, 180_000);

  it('compose up: both services become healthy', async () => {
    const t = Date.now();
    await compose(BASE, 'up', '-d');
    for (const service of SERVICES) {
      await until(`${service} healthy`, async () => ((await inspect(service)).State.Health.Status === 'healthy' ? true : undefined), 120_000);
    }
    timings.push(['compose up → both healthy', seconds(t)]);
  }, 180_000);

  it('serves the chart at /k8s-app-monitor-test/ with data from the monitor-test container, by its compose DNS name', async () => {
    const page = await fetch(AGENT_PAGE);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/plotly/i);
    const data = (await (await fetch(new URL('api/metrics', AGENT_PAGE))).json()) as { host: string; performance_index: object };
    const monitorTest = await inspect('k8s-app-monitor-test');
    const agent = await inspect('k8s-app-monitor-agent');
    // `host` is the answering container's hostname: monitor-test's, reached as SERVICE_NAME.
    expect(data.host).toBe(monitorTest.Config.Hostname);
    expect(agent.Config.Env).toContain('SERVICE_NAME=k8s-app-monitor-test');
    reports.push(`chart data host ${data.host} = monitor-test container ${monitorTest.Name}`);
  });

  it('bakes the git commit, its time and the short-SHA version into the image: GET /version says which build answers', async () => {
    const commit = (await sh('git', ['rev-parse', 'HEAD'], {})).stdout.trim();
    const time = (await sh('git', ['log', '-1', '--format=%cI', 'HEAD'], {})).stdout.trim();
    for (const [service, port] of [
      ['k8s-app-monitor-agent', 8888],
      ['k8s-app-monitor-test', 3000],
    ] as const) {
      const answer = await fetch(`http://localhost:${port}/version`);
      expect(answer.status, service).toBe(200);
      const version = (await answer.json()) as { service: string; version: string; commit: string; buildTime: string; node: string };
      expect(version).toMatchObject({ service, version: env.IMAGE_TAG, commit, buildTime: time });
      expect(version.node).toMatch(/^v24\./);
      reports.push(`${service} /version: ${JSON.stringify(version)}`);
    }
  });

  it('runs both containers with a read-only root, no capabilities, no-new-privileges, as 65532', async () => {
    for (const service of SERVICES) {
      const { HostConfig, Config } = await inspect(service);
      expect({ service, readOnly: HostConfig.ReadonlyRootfs, capDrop: HostConfig.CapDrop, securityOpt: HostConfig.SecurityOpt, user: Config.User }).toEqual({
        service,
        readOnly: true,
        capDrop: ['ALL'],
        securityOpt: ['no-new-privileges:true'],
        user: '65532:65532',
      });
    }
    reports.push('docker inspect: ReadonlyRootfs=true CapDrop=[ALL] SecurityOpt=[no-new-privileges:true] User=65532:65532 (both)');
  });

  it('npm run verify passes against compose (no Zipkin or Prometheus: those checks skip)', async () => {
    const t = Date.now();
    const { stdout } = await sh(process.execPath, [VERIFY, '--agent', AGENT_PAGE, '--timeout', '30'], env);
    timings.push(['verify (compose)', seconds(t)]);
    reports.push(`verify against compose:\n${stdout.trim()}`);
    expect(stdout).toMatch(/^PASS data endpoint:/m);
    expect(stdout).toMatch(/^verify: ok/m);
  }, 120_000);

  it('observability overlay (local Zipkin and Prometheus): both targets up, npm run verify passes every check', async () => {
    const t = Date.now();
    // Every service of the overlay but Grafana (never run here: AGPL) starts.
    await compose(OVERLAY, 'up', '-d', ...SERVICES, 'zipkin', 'prometheus');
    for (const service of SERVICES) {
      await until(`${service} healthy`, async () => ((await inspect(service)).State.Health.Status === 'healthy' ? true : undefined), 120_000);
    }
    await until('zipkin health', async () => ((await fetch('http://localhost:9411/health')).ok ? true : undefined), 120_000);
    const targets = await until(
      'both targets up in Prometheus',
      async () => {
        const body = (await (await fetch('http://localhost:9090/api/v1/targets')).json()) as { data: { activeTargets: { labels: { job: string }; health: string }[] } };
        const up = body.data.activeTargets
          .filter((target) => target.health === 'up')
          .map((target) => target.labels.job)
          .sort();
        return up.length === 2 ? up : undefined;
      },
      60_000,
    );
    expect(targets).toEqual(['k8s-app-monitor-agent', 'k8s-app-monitor-test']);
    timings.push(['overlay up → healthy, Zipkin ready, targets up', seconds(t)]);

    const v = Date.now();
    const { stdout } = await sh(process.execPath, [VERIFY, '--agent', AGENT_PAGE, '--zipkin', 'http://localhost:9411/zipkin/', '--prometheus', 'http://localhost:9090/', '--timeout', '90'], env);
    timings.push(['verify (overlay)', seconds(v)]);
    reports.push(`verify against the observability overlay:\n${stdout.trim()}`);
    for (const check of ['chart page', 'data endpoint', 'traces in Zipkin', 'request series in Prometheus', 'latency exemplar → Zipkin', 'service graph edge']) {
      expect(stdout).toMatch(new RegExp(`^PASS ${check}:`, 'm'));
    }
    expect(stdout).toMatch(/^(PASS|SKIP) chart PNG:/m);
  }, 600_000);
});

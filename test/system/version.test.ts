/** GET /version of the built services: which build answers, from dist/build-info.json or the image's settings. */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { startMonitorAgent, startMonitorTest, stopAll } from '../helpers/processes.js';
import { ROOT } from '../helpers/paths.js';
import { validateResponse } from '../helpers/fixtures.js';

afterAll(stopAll);

const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();

describe('GET /version', () => {
  it("names the checkout's commit, the build time, Node and the OpenTelemetry packages; as the OpenAPI document says", async () => {
    const test = await startMonitorTest({ OTEL_TRACES_EXPORTER: 'none' });
    const agent = await startMonitorAgent(test.port, { OTEL_TRACES_EXPORTER: 'none' });
    for (const [service, url] of [
      ['k8s-app-monitor-test', test.url],
      ['k8s-app-monitor-agent', agent.url],
    ] as const) {
      const response = await fetch(`${url}/version`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as Record<string, unknown>;
      expect(validateResponse('/version', 200, body)).toEqual([]);
      expect(body).toMatchObject({ service, version: '0.1.0', commit: head, node: process.version });
      expect(Date.now() - Date.parse(body.buildTime as string)).toBeLessThan(24 * 3600 * 1000);
      expect(body.opentelemetry).toEqual({ '@opentelemetry/api': '1.10.0', '@opentelemetry/sdk-node': '0.301.2', '@opentelemetry/exporter-zipkin': '3.1.1' });
    }
  });

  it("reports the image's APP_VERSION, GIT_COMMIT and BUILD_TIME over the build's own", async () => {
    const image = { OTEL_TRACES_EXPORTER: 'none', APP_VERSION: 'abc1234', GIT_COMMIT: 'abc1234'.padEnd(40, '0'), BUILD_TIME: '2026-12-06T10:00:00Z' };
    const test = await startMonitorTest(image);
    expect(await (await fetch(`${test.url}/version`)).json()).toMatchObject({ version: 'abc1234', commit: image.GIT_COMMIT, buildTime: image.BUILD_TIME });
  });
});

/**
 * Series stay bounded on the real metrics ports: 10,000 requests with random paths and random
 * app names to each service add at most a handful of label sets.
 */
import { Agent } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { get } from './load.js';
import { startMonitorAgent, startMonitorTest, stopAll } from '../helpers/processes.js';

afterAll(stopAll);

const series = async (metricsPort: number) => (await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).split('\n').filter((line) => line !== '' && !line.startsWith('#'));
const random = () =>
  Math.random()
    .toString(36)
    .slice(2, 2 + Math.ceil(Math.random() * 10));

describe('bounded series', () => {
  it('grow by at most a small constant after 10,000 random requests to each service', async () => {
    const test = await startMonitorTest();
    const agent = await startMonitorAgent(test.port);
    const agentKeepAlive = new Agent({ keepAlive: true, maxSockets: 16 });
    // Warm up every route once, so the baseline has their series.
    for (const url of [`${test.url}/metrics`, `${test.url}/metrics/nope`, `${test.url}/nope`, `${agent.url}/api/metrics`, `${agent.url}/nope`]) await get(url);
    const before = { test: await series(test.metricsPort), agent: await series(agent.metricsPort) };
    for (const service of [test, agent]) {
      let i = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (i < 10_000) {
            const n = i++;
            const path = [`/${random()}/${random()}`, `/metrics/${random()}`, `/metrics/${encodeURIComponent(`${random()}é!`)}`, `/k8s-app-monitor-agent/${random()}`, `/assets/${random()}.js`][n % 5];
            await get(`${service.url}${path}`, agentKeepAlive);
          }
        }),
      );
    }
    agentKeepAlive.destroy();
    const after = { test: await series(test.metricsPort), agent: await series(agent.metricsPort) };
    for (const name of ['test', 'agent'] as const) {
      const added = after[name].filter((line) => !before[name].some((old) => old.split(' ')[0] === line.split(' ')[0]));
      // New label sets may come from the runtime (GC kinds, handle types) and at most one
      // histogram for a 400 on /metrics/:appname (17 lines) — nothing per path or app name.
      const httpAdded = added.filter((line) => line.startsWith('http_'));
      expect(httpAdded.length, `${name}: ${httpAdded.join('\n')}`).toBeLessThanOrEqual(17);
      expect(added.length, `${name}: ${added.join('\n')}`).toBeLessThanOrEqual(60);
      expect(after[name].join('\n')).not.toMatch(/http_route="\/(?!metrics|k8s-app-monitor|api|assets|servicegraph)/);
    }
  }, 120_000);
});

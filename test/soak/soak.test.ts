/**
 * Soak (`npm run test:soak`, also run by .ci/run): 60 s at a fixed 100 requests a second through
 * the agent, tracing on. Zero errors, and each service's RSS at the end within 15% of its RSS
 * after a warm-up at the same rate.
 */
import { Agent } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { get } from '../system/load.js';
import { rssBytes, startMonitorAgent, startMonitorTest, stopAll } from '../system/processes.js';

afterAll(stopAll);

const RATE_PER_SECOND = 100;
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 60);

/** An open-loop load: one request every 1/rate seconds, whatever the answers take. */
async function fixedRate(url: string, seconds: number): Promise<{ ok: number; failed: string[] }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const failed: string[] = [];
  let ok = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let n = 0; n < seconds * RATE_PER_SECOND; n++) {
    const due = start + (n * 1000) / RATE_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(get(url, agent).then(
      ({ status }) => void (status === 200 ? ok++ : failed.push(String(status))),
      (error: NodeJS.ErrnoException) => void failed.push(error.code ?? 'error'),
    ));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { ok, failed };
}

describe('soak', () => {
  it(`serves ${RATE_PER_SECOND} req/s through the agent for ${SOAK_SECONDS} s without errors or growing memory`, async () => {
    const test = await startMonitorTest();
    // Traces are exported to a port nothing listens on: the export path runs, and drops.
    const tracing = { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://127.0.0.1:9/api/v2/spans' };
    const agent = await startMonitorAgent(test.port, tracing);
    const warmUp = await fixedRate(`${agent.url}/api/metrics`, 15);
    expect(warmUp.failed).toEqual([]);
    const before = { agent: rssBytes(agent.proc.child.pid!), test: rssBytes(test.proc.child.pid!) };
    const soak = await fixedRate(`${agent.url}/api/metrics`, SOAK_SECONDS);
    const after = { agent: rssBytes(agent.proc.child.pid!), test: rssBytes(test.proc.child.pid!) };
    expect(soak.failed).toEqual([]);
    expect(soak.ok).toBe(SOAK_SECONDS * RATE_PER_SECOND);
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    console.log(`RSS after warm-up → after soak: agent ${mb(before.agent)} → ${mb(after.agent)} MB, test ${mb(before.test)} → ${mb(after.test)} MB`);
    expect(after.agent / before.agent).toBeLessThan(1.15);
    expect(after.test / before.test).toBeLessThan(1.15);
  }, (SOAK_SECONDS + 60) * 1000);
});

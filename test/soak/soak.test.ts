/**
 * Soak (`npm run test:soak`, by hand; see .ci/run for why CI does not gate on it): 60 s at a fixed 100 requests a second through
 * the agent, tracing on. Zero errors, and each service's RSS at the end within 15% of its RSS
 * after a warm-up at the same rate. RSS follows the garbage collector's sawtooth (tens of MB on
 * the agent), so each reading is the peak over the last 10 s of its phase: a leak raises the later
 * peak, a GC cycle does not.
 */
import { Agent } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { get } from '../system/load.js';
import { rssBytes, startMonitorAgent, startMonitorTest, stopAll } from '../helpers/processes.js';

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
    inFlight.push(
      get(url, agent).then(
        ({ status }) => void (status === 200 ? ok++ : failed.push(String(status))),
        (error: NodeJS.ErrnoException) => void failed.push(error.code ?? 'error'),
      ),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { ok, failed };
}

/** The highest RSS of a process, sampled every 250 ms for `seconds`, starting after `delaySeconds`. */
async function peakRss(pid: number, delaySeconds: number, seconds: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, delaySeconds * 1000));
  let peak = 0;
  for (let i = 0; i < seconds * 4; i++) {
    peak = Math.max(peak, rssBytes(pid));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return peak;
}

describe('soak', () => {
  it(
    `serves ${RATE_PER_SECOND} req/s through the agent for ${SOAK_SECONDS} s without errors or growing memory`,
    async () => {
      const test = await startMonitorTest();
      // Traces are exported to a port nothing listens on: the export path runs, and drops.
      const tracing = { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://127.0.0.1:9/api/v2/spans' };
      const agent = await startMonitorAgent(test.port, tracing);
      const pids = { agent: agent.proc.child.pid!, test: test.proc.child.pid! };
      const WARM_UP_SECONDS = 20;
      const [warmUp, agentBefore, testBefore] = await Promise.all([
        fixedRate(`${agent.url}/api/metrics`, WARM_UP_SECONDS),
        peakRss(pids.agent, WARM_UP_SECONDS - 10.5, 10),
        peakRss(pids.test, WARM_UP_SECONDS - 10.5, 10),
      ]);
      expect(warmUp.failed).toEqual([]);
      const [soak, agentAfter, testAfter] = await Promise.all([
        fixedRate(`${agent.url}/api/metrics`, SOAK_SECONDS),
        peakRss(pids.agent, SOAK_SECONDS - 10.5, 10),
        peakRss(pids.test, SOAK_SECONDS - 10.5, 10),
      ]);
      const before = { agent: agentBefore, test: testBefore };
      const after = { agent: agentAfter, test: testAfter };
      expect(soak.failed).toEqual([]);
      expect(soak.ok).toBe(SOAK_SECONDS * RATE_PER_SECOND);
      const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
      console.log(`Peak RSS, last 10 s of warm-up → last 10 s of soak: agent ${mb(before.agent)} → ${mb(after.agent)} MB, test ${mb(before.test)} → ${mb(after.test)} MB`);
      expect(after.agent / before.agent).toBeLessThan(1.15);
      expect(after.test / before.test).toBeLessThan(1.15);
    },
    (SOAK_SECONDS + 60) * 1000,
  );
});

/** A small closed-loop load generator for the fault and soak tests: N workers, keep-alive. */
import { Agent, request } from 'node:http';

export interface LoadResult {
  statuses: Record<string, number>;
  /** Requests that got no answer (refused, reset), by error code. */
  failures: Record<string, number>;
  durationsMs: number[];
}

export function get(url: string, agent?: Agent): Promise<{ status: number; body: string; ms: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - start }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Runs `workers` loops against `url` until `until()` says stop (or a loop's connection is refused). */
export async function runLoad(url: string, workers: number, until: () => boolean, options: { pauseMs?: number } = {}): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: workers });
  const result: LoadResult = { statuses: {}, failures: {}, durationsMs: [] };
  const worker = async () => {
    while (!until()) {
      try {
        const { status, ms } = await get(url, agent);
        result.statuses[status] = (result.statuses[status] ?? 0) + 1;
        result.durationsMs.push(ms);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        result.failures[code] = (result.failures[code] ?? 0) + 1;
        if (code === 'ECONNREFUSED') return;
      }
      if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  agent.destroy();
  return result;
}

/** Sum of a metric's samples in a classic text exposition (all label sets). */
export async function metricSum(metricsUrl: string, name: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

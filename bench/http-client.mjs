// node bench/http-client.mjs — which transport the upstream client should use: node:http with a
// keep-alive Agent, or Node's fetch (undici). Both fetch one sample-sized JSON body from a loopback
// server in another process, 32 requests in flight, body read whole; rounds alternate between the
// two and the paired per-round ratio (fetch / node:http) is reported with its median.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { freePort, waitReady } from './harness.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 9);
const SECONDS = Number(process.env.SECONDS ?? 2);
const IN_FLIGHT = 32;
const BODY = JSON.stringify({
  performance_index: { failRatio: 0.25, failAmount: 1, accessAmount: 4, maxConcurrent: 3, maxLatency: 30, minLatency: 10, avgLatency: 20 },
  host: 'replica-1',
  app_name: 'test-app',
  domain: 'test-domain',
});

const port = await freePort();
const server = spawn(
  process.execPath,
  ['-e', `require('http').createServer((q, s) => s.writeHead(200, {'content-type': 'application/json'}).end(${JSON.stringify(BODY)})).listen(${port}, '127.0.0.1')`],
  { stdio: 'inherit' },
);
process.on('exit', () => server.kill('SIGKILL'));
const url = `http://127.0.0.1:${port}/metrics`;
await waitReady(url);

const agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });
const viaNodeHttp = () =>
  new Promise((resolve, reject) => {
    const request = http.get(url, { agent }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks)));
      response.on('error', reject);
    });
    const deadline = setTimeout(() => request.destroy(new Error('timeout')), 2000);
    request.on('close', () => clearTimeout(deadline));
    request.on('error', reject);
  });
const viaFetch = async () => Buffer.from(await (await fetch(url, { signal: AbortSignal.timeout(2000) })).arrayBuffer());

async function round(call) {
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        await call();
        done++;
      }
    }),
  );
  return done / SECONDS;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
await round(viaNodeHttp);
await round(viaFetch); // warm-up
const rows = [];
for (let i = 0; i < ROUNDS; i++) {
  const a = await round(viaNodeHttp);
  const b = await round(viaFetch);
  rows.push({ nodeHttp: a, fetch: b, ratio: b / a });
}
console.log(
  JSON.stringify({
    node: process.version,
    nodeHttpRps: Math.round(median(rows.map((r) => r.nodeHttp))),
    fetchRps: Math.round(median(rows.map((r) => r.fetch))),
    fetchOverNodeHttp: Number(median(rows.map((r) => r.ratio)).toFixed(3)),
    rounds: rows.map((r) => Number(r.ratio.toFixed(3))),
  }),
);
process.exit(0);

// node bench/compare-runtimes.mjs — the same code on two Node.js binaries, paired: monitor-test with
// everything on and bare Koa, under each runtime, loaded in turn within every round (as bench.mjs
// does), at 32 connections. For the Node 20 → 24 figure the code must run on both, e.g. a checkout
// from before engines moved to 24:
//   git archive 4ba6be6 | tar -x -C /tmp/old && (cd /tmp/old && npm ci && npm run build)
//   BENCH_CODE_DIR=/tmp/old BENCH_NODES=/usr/bin/node,$(command -v node) node bench/compare-runtimes.mjs
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort, measuredRound, median, peakRssMb, requireWrk, start, startSpanSink, stop, tracing, waitReady, wrk } from './harness.mjs';

const CODE = resolve(process.env.BENCH_CODE_DIR ?? '.');
const NODES = (process.env.BENCH_NODES ?? process.execPath).split(',');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

requireWrk();
const sink = await startSpanSink();
const runs = [];
for (const node of NODES) {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const [port, metricsPort, barePort] = [await freePort(), await freePort(), await freePort()];
  const full = start(node, ['--import', join(CODE, 'dist/monitor-test/instrumentation.js'), join(CODE, 'dist/monitor-test/main.js')], {
    ...tracing(sink.url),
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'info',
    LISTEN_HOST: '127.0.0.1',
  });
  const bare = start(node, [join(CODE, 'bench/bare-koa.mjs')], { PORT: String(barePort) });
  await waitReady(`http://127.0.0.1:${port}/readyz`);
  await waitReady(`http://127.0.0.1:${barePort}/readyz`);
  for (const [id, child, url] of [
    ['full', full, `http://127.0.0.1:${port}/metrics`],
    ['bare', bare, `http://127.0.0.1:${barePort}/metrics`],
  ]) {
    wrk(url, CONNECTIONS, 3);
    runs.push({ version, id, child, url, rounds: [] });
  }
}
for (let round = 0; round < ROUNDS; round++) for (const run of runs) run.rounds.push(measuredRound(run.url, CONNECTIONS, SECONDS, {}, [run.child]));

const pairedRatio = (a, b) => median(a.rounds.map((r, i) => r.rps / b.rounds[i].rps));
// From CPU per request: b's cost over a's, the figure the machine's other load disturbs least.
const cpuRatio = (a, b) => median(a.rounds.map((r, i) => b.rounds[i].cpuUsPerRequest / r.cpuUsPerRequest));
console.log(`Code: ${CODE}; ${ROUNDS} × ${SECONDS} s rounds at ${CONNECTIONS} connections; medians (ratios: median of per-round ratios)\n`);
console.log('| runtime | scenario | req/s | p99 ms | CPU µs/req | peak RSS MB |\n| --- | --- | --- | --- | --- | --- |');
for (const run of runs) {
  console.log(
    `| ${run.version} | ${run.id} | ${median(run.rounds.map((r) => r.rps)).toFixed(0)} | ${median(run.rounds.map((r) => r.p99)).toFixed(2)} | ${median(run.rounds.map((r) => r.cpuUsPerRequest)).toFixed(0)} | ${peakRssMb(run.child).toFixed(0)} |`,
  );
}
const of = (version, id) => runs.find((r) => r.version === version && r.id === id);
const versions = [...new Set(runs.map((r) => r.version))];
console.log('');
for (const v of versions) console.log(`${v}: full/bare ${pairedRatio(of(v, 'full'), of(v, 'bare')).toFixed(2)} by req/s, ${cpuRatio(of(v, 'full'), of(v, 'bare')).toFixed(2)} by CPU/req`);
for (const v of versions.slice(1)) {
  console.log(
    `${v} / ${versions[0]}: full ${pairedRatio(of(v, 'full'), of(versions[0], 'full')).toFixed(2)} by req/s, ${cpuRatio(of(v, 'full'), of(versions[0], 'full')).toFixed(2)} by CPU/req; bare ${pairedRatio(of(v, 'bare'), of(versions[0], 'bare')).toFixed(2)} by req/s, ${cpuRatio(of(v, 'bare'), of(versions[0], 'bare')).toFixed(2)} by CPU/req`,
  );
}
await Promise.all([...runs.map((r) => stop(r.child)), stop(sink.process)]);

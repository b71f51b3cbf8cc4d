// npm run bench:profile — where a service's time goes with everything on (100% of spans exported,
// metrics, access logs): a CPU profile (node --cpu-prof) under 32 connections, pinned like the
// benchmark, summarised by who spends the time, in microseconds of CPU per request. Only the
// samples of the measured window count, not start-up or warm-up. BENCH_PROFILE picks the target:
// `test` (default: monitor-test's GET /metrics), `test-mesh` (the same as the mesh-telemetry
// overlay runs it: no span, no access line), `bare` (bench/bare-koa.mjs, the same JSON with no
// telemetry: what the ratio's denominator spends), `agent-png` (the agent's /chart.png, its
// monitor-test running unprofiled beside it) or `agent-png-mesh` (the same, both services as the
// mesh-telemetry overlay runs them).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, killAll, MESH_TELEMETRY, requireWrk, start, startService, startSpanSink, stop, waitReady, wrk } from './harness.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

/** Who a sampled frame belongs to, by its script (self time, so each sample counts once). */
function categoryOf({ url, functionName }) {
  if (!url) {
    if (functionName === '(garbage collector)') return 'V8 garbage collection';
    if (functionName === '(idle)') return 'idle';
    return 'native: socket writes, microtask queue, V8';
  }
  if (/async_hooks|context-async-hooks/.test(url)) return 'context propagation (AsyncLocalStorage)';
  if (url.startsWith('node:')) return 'Node.js http, net, streams, events';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (!pkg) return url.includes('/dist/') ? 'this project (dist/)' : 'other';
  if (pkg.startsWith('@opentelemetry/')) return pkg === '@opentelemetry/exporter-zipkin' ? 'Zipkin exporter' : 'OpenTelemetry API and SDK';
  if (['pino', 'sonic-boom', 'fast-redact', 'quick-format-unescaped', 'atomic-sleep', 'thread-stream'].includes(pkg)) return 'pino access log';
  if (['prom-client', 'tdigest', 'bintrees'].includes(pkg)) return 'prom-client histogram';
  return 'Koa, its router and helpers';
}

function summarise(profile, fromUs, toUs, requests) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byCategory = new Map();
  const byFunction = new Map();
  let at = profile.startTime;
  let busy = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i];
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (at < fromUs || at > toUs) return;
    const { callFrame } = nodes.get(id);
    const category = categoryOf(callFrame);
    if (category === 'idle') return;
    busy += dt;
    byCategory.set(category, (byCategory.get(category) ?? 0) + dt);
    const name = `${callFrame.functionName || '(anonymous)'} ${callFrame.url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, 'dist/')}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + dt);
  });
  const rows = (map, limit) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => `| ${name} | ${((100 * us) / busy).toFixed(1)}% | ${(us / requests).toFixed(1)} |`)
      .join('\n');
  return { busyUsPerRequest: busy / requests, categories: rows(byCategory, 20), functions: rows(byFunction, 15) };
}

/** What BENCH_PROFILE can name: each starts its server (the profiled one with `nodeArgs`) and says what to load. */
const TARGETS = {
  test: {
    label: 'monitor-test GET /metrics, everything on',
    async start(sink, nodeArgs) {
      const server = await startService('monitor-test', sink.url, { nodeArgs });
      return { server, url: `${server.url}/metrics` };
    },
  },
  'test-mesh': {
    label: 'monitor-test GET /metrics, request telemetry by the mesh (OTEL_SDK_DISABLED=true, ACCESS_LOG=false)',
    async start(sink, nodeArgs) {
      const server = await startService('monitor-test', sink.url, { nodeArgs, ...MESH_TELEMETRY });
      return { server, url: `${server.url}/metrics` };
    },
  },
  bare: {
    label: 'bare Koa GET /metrics, no telemetry',
    async start(_sink, nodeArgs) {
      const port = await freePort();
      const server = { child: start(process.execPath, [...nodeArgs, 'bench/bare-koa.mjs'], { PORT: String(port) }), ready: `http://127.0.0.1:${port}/readyz` };
      return { server, url: `http://127.0.0.1:${port}/metrics` };
    },
  },
  'agent-png': {
    label: 'monitor-agent GET /chart.png, everything on',
    async start(sink, nodeArgs) {
      const upstream = await startService('monitor-test', sink.url);
      await waitReady(upstream.ready);
      const server = await startService('monitor-agent', sink.url, { nodeArgs, env: { SERVICE_NAME: '127.0.0.1', APP_PORT: String(upstream.port) } });
      return { server, upstream, url: `${server.url}/k8s-app-monitor-agent/chart.png` };
    },
  },
  'agent-png-mesh': {
    label: 'monitor-agent GET /chart.png, both services with request telemetry by the mesh',
    async start(sink, nodeArgs) {
      const upstream = await startService('monitor-test', sink.url, MESH_TELEMETRY);
      await waitReady(upstream.ready);
      const server = await startService('monitor-agent', sink.url, {
        nodeArgs,
        nodeFlags: MESH_TELEMETRY.nodeFlags,
        env: { ...MESH_TELEMETRY.env, SERVICE_NAME: '127.0.0.1', APP_PORT: String(upstream.port) },
      });
      return { server, upstream, url: `${server.url}/k8s-app-monitor-agent/chart.png` };
    },
  },
};

async function main() {
  requireWrk();
  const sink = await startSpanSink();
  const dir = mkdtempSync(join(tmpdir(), 'k8s-app-monitor-profile-'));
  const target = TARGETS[process.env.BENCH_PROFILE ?? 'test'];
  if (!target) throw new Error(`BENCH_PROFILE: ${Object.keys(TARGETS).join(', ')}; got ${JSON.stringify(process.env.BENCH_PROFILE)}`);
  const { server, url, upstream } = await target.start(sink, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  await waitReady(server.ready);
  wrk(url, 32, 3);
  const loadStart = performance.now();
  const load = wrk(url, 32, SECONDS);
  const loadEnd = performance.now();
  await stop(server.child, 'SIGTERM'); // the profile is written as the process exits
  const exitedAt = performance.now();
  if (upstream) await stop(upstream.child);
  await stop(sink.process);

  const profile = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8'));
  // The profile's clock ends at the exit: count back from there to the measured window.
  const toProfileUs = (ms) => profile.endTime - (exitedAt - ms) * 1000;
  const { busyUsPerRequest, categories, functions } = summarise(profile, toProfileUs(loadStart), toProfileUs(loadEnd), load.requests);
  console.log(`${target.label}, 32 connections, ${SECONDS} s: ${load.rps.toFixed(0)} req/s, ${busyUsPerRequest.toFixed(0)} µs of CPU per request (profile: ${dir})\n`);
  console.log(`| where the time goes (self time) | share | µs per request |\n| --- | --- | --- |\n${categories}\n`);
  console.log(`| top functions (self time) | share | µs per request |\n| --- | --- | --- |\n${functions}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
  killAll();
});

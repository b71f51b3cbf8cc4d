// What bench.mjs and profile.mjs share: free ports, servers pinned to core 0 and the load (wrk)
// and span sink to core 1 when there are two cores, readiness, wrk runs and their parsing.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MESH_TELEMETRY_NODE_FLAGS, serviceNodeArgs } from '../dist/shared/node-command.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PINNED = cpus().length >= 2;
// taskset execs the command, so the child's pid is the pinned process itself.
const pin = (core, command, args) => (PINNED ? ['taskset', ['-c', String(core), command, ...args]] : [command, args]);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const running = new Set();
/** Kills what the bench started: at exit, and after a failure, where the servers would keep it alive. */
export function killAll() {
  for (const child of running) child.kill('SIGKILL');
}
process.on('exit', killAll);

/** Starts a process from the repository root with only the given environment (plus PATH, HOME). */
export function start(command, args, env, core = 0) {
  const [cmd, argv] = pin(core, command, args);
  const child = spawn(cmd, argv, { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

/** Sends the signal (SIGTERM lets a service drain and flush its last spans) and waits for the exit. */
export async function stop(child, signal = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill(signal);
  await exited;
}

/**
 * CPU seconds (user + system) the process has used so far, from /proc. CPU per request is the
 * figure a loaded machine disturbs least: time the process waits for a core is not counted.
 */
export function cpuSeconds(child) {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** wrk against the URL, with the CPU the watched processes used during the round, in µs per request. */
export function measuredRound(url, connections, seconds, headers, watched) {
  const before = watched.map(cpuSeconds);
  const result = wrk(url, connections, seconds, headers);
  const cpu = watched.reduce((sum, child, i) => sum + cpuSeconds(child) - before[i], 0);
  return { ...result, cpuUsPerRequest: result.requests ? (cpu * 1e6) / result.requests : NaN };
}

export const peakRssMb = (child) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;

/** Polls until the URL answers 200; returns how long that took. */
export async function waitReady(url, timeoutMs = 15_000) {
  const startedAt = performance.now();
  while (performance.now() - startedAt < timeoutMs) {
    try {
      if ((await fetch(url)).status === 200) return performance.now() - startedAt;
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
  throw new Error(`${url} not ready`);
}

export function requireWrk() {
  try {
    execFileSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' });
  } catch {
    throw new Error('the benchmark needs wrk: apt-get install wrk');
  }
}

export function wrk(url, connections, seconds, headers = {}) {
  const headerArgs = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const [cmd, argv] = pin(1, 'wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', ...headerArgs, url]);
  const out = execFileSync(cmd, argv, { encoding: 'utf8' });
  const ms = (label) => {
    const m = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
    return m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]] : NaN;
  };
  const requests = Number(/(\d+) requests in/.exec(out)[1]);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const socketErrors = /Socket errors: (.*)/.exec(out);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]), p50: ms('50'), p99: ms('99'), requests, non2xx: errors ? Number(errors[1]) : 0, socketErrors: socketErrors?.[1] ?? '' };
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export const tracing = (sink) => ({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: sink, OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' });

// The services as k8s/overlays/istio-mesh-telemetry runs them: the sidecars make each request's
// span and access line, so the process makes neither (istio/README.md#request-telemetry-by-the-mesh),
// with the mesh's V8 flags (a 4 MB young generation for both).
export const MESH_TELEMETRY = { env: { OTEL_SDK_DISABLED: 'true', ACCESS_LOG: 'false' }, nodeFlags: MESH_TELEMETRY_NODE_FLAGS };

/**
 * One of our services as it ships (the SDK preloaded, then the service: the Dockerfile's CMD),
 * everything on, spans to `sink`, on free ports. `nodeFlags` replace the services' V8
 * flags (the mesh's); `nodeArgs` go after them, before the preload (e.g. --cpu-prof);
 * `dist` is another build of the code at the repository root (bench.mjs's BENCH_VARIANT_DIST).
 */
export async function startService(service, sink, { env = {}, nodeArgs = [], dist = 'dist', nodeFlags } = {}) {
  const [port, metricsPort] = [await freePort(), await freePort()];
  // As the Dockerfile's CMD and npm start run the services (src/shared/node-command.ts).
  const child = start(process.execPath, serviceNodeArgs(service, `./${dist}`, nodeArgs, nodeFlags), {
    ...tracing(sink),
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    LOG_LEVEL: 'info',
    LISTEN_HOST: '127.0.0.1',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  return { child, port, url, ready: `${url}/readyz`, metrics: `http://127.0.0.1:${metricsPort}/metrics` };
}

/** The span sink on core 1: its /api/v2/spans URL, a span counter, and the process. */
export async function startSpanSink() {
  const port = await freePort();
  const process_ = start(process.execPath, ['bench/zipkin-sink.mjs'], { PORT: String(port) }, 1);
  await waitReady(`http://127.0.0.1:${port}/stats`);
  return {
    url: `http://127.0.0.1:${port}/api/v2/spans`,
    spans: async () => (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()).spans,
    process: process_,
  };
}

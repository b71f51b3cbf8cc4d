/**
 * Real processes for system tests: the built services (dist/) on free loopback ports, always
 * stopped after the test, even on failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serviceNodeArgs, type ServiceDir } from '../../src/shared/node-command.js';

const DIST = fileURLToPath(new URL('../../dist', import.meta.url));

/** A service's command line as `npm start` and the image run it: node arguments, then its main.js. */
const commandLine = (service: ServiceDir) => {
  const args = serviceNodeArgs(service, DIST);
  return { main: args.at(-1)!, nodeArgs: args.slice(0, -1) };
};
const COMMAND = { test: commandLine('monitor-test'), agent: commandLine('monitor-agent') };

export const MAIN = { test: COMMAND.test.main, agent: COMMAND.agent.main, all: `${DIST}/start-all.js` };

/** Node arguments that preload a service's tracing, exactly as `npm start` and the image do. */
export const PRELOAD = { test: COMMAND.test.nodeArgs, agent: COMMAND.agent.nodeArgs };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

const running = new Set<RunningProcess>();

/** A Node.js script (with Node arguments such as --import before it). */
export function startProcess(script: string, env: Record<string, string>, nodeArgs: string[] = []): RunningProcess {
  return startCommand(process.execPath, [...nodeArgs, script], env);
}

export function startCommand(command: string, args: string[], env: Record<string, string>, cwd?: string): RunningProcess {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', LISTEN_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const proc: RunningProcess = {
    child,
    output: () => output,
    exited,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/** Kills whatever a test left running; call from afterEach/afterAll. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map((proc) => {
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5000);
      return proc.stop().finally(() => clearTimeout(timer));
    }),
  );
}

/** Polls a URL until it answers 200, or fails with the process output after `timeoutMs`. */
export async function waitForOk(url: string, proc: RunningProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`process exited (${proc.child.exitCode}) before ${url} was ready:\n${proc.output()}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms:\n${proc.output()}`);
}

export interface RunningService {
  proc: RunningProcess;
  port: number;
  url: string;
  metricsPort: number;
}

/**
 * A service with its tracing preloaded, on free public and metrics ports. Traces go nowhere
 * unless the test points OTEL_TRACES_EXPORTER / OTEL_EXPORTER_ZIPKIN_ENDPOINT somewhere.
 */
async function startService(kind: 'test' | 'agent', env: Record<string, string>, port?: number): Promise<RunningService> {
  const [p, metricsPort] = [port ?? (await freePort()), await freePort()];
  const proc = startProcess(MAIN[kind], { OTEL_TRACES_EXPORTER: 'none', PORT: String(p), METRICS_PORT: String(metricsPort), ...env }, PRELOAD[kind]);
  await waitForOk(`http://127.0.0.1:${p}/readyz`, proc);
  return { proc, port: p, url: `http://127.0.0.1:${p}`, metricsPort };
}

export const startMonitorTest = (env: Record<string, string> = {}, port?: number) => startService('test', { HOSTNAME: 'system-test-host', ...env }, port);

export const startMonitorAgent = (upstreamPort: number, env: Record<string, string> = {}) => startService('agent', { SERVICE_NAME: '127.0.0.1', APP_PORT: String(upstreamPort), ...env });

/** Resident set size of a process in bytes, from /proc. */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** An HTTP server on a free loopback port standing in for monitor-test (hostile, or of the original shape). */
export async function startFakeUpstream(handler: RequestListener): Promise<{ server: Server; port: number }> {
  const server = createHttpServer(handler);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port };
}

/**
 * Real processes for system tests: the built services (dist/) on free loopback ports, always
 * stopped after the test, even on failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const MAIN = {
  test: fileURLToPath(new URL('../../dist/monitor-test/main.js', import.meta.url)),
  agent: fileURLToPath(new URL('../../dist/monitor-agent/main.js', import.meta.url)),
  all: fileURLToPath(new URL('../../dist/start-all.js', import.meta.url)),
};

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

export function startProcess(script: string, env: Record<string, string>, args: string[] = []): RunningProcess {
  const child = spawn(process.execPath, [...args, script], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', LISTEN_HOST: '127.0.0.1', ...env },
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
  await Promise.all([...running].map((proc) => {
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5000);
    return proc.stop().finally(() => clearTimeout(timer));
  }));
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

export async function startMonitorTest(env: Record<string, string> = {}, port?: number) {
  const p = port ?? (await freePort());
  const proc = startProcess(MAIN.test, { PORT: String(p), HOSTNAME: 'system-test-host', ...env });
  await waitForOk(`http://127.0.0.1:${p}/readyz`, proc);
  return { proc, port: p, url: `http://127.0.0.1:${p}` };
}

export async function startMonitorAgent(upstreamPort: number, env: Record<string, string> = {}) {
  const p = await freePort();
  const proc = startProcess(MAIN.agent, { PORT: String(p), SERVICE_NAME: '127.0.0.1', APP_PORT: String(upstreamPort), ...env });
  await waitForOk(`http://127.0.0.1:${p}/readyz`, proc);
  return { proc, port: p, url: `http://127.0.0.1:${p}` };
}

/**
 * The private Docker engine for the image and compose tests (infra/docker/dockerd.sh). Where it
 * cannot run, the tests skip locally and fail under CI=true, naming what is missing.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { findTool, toolsAvailable } from '../helpers/tools.js';

import { ROOT } from '../helpers/paths.js';
const DOCKERD = `${ROOT}infra/docker/dockerd.sh`;
const run = promisify(execFile);

/** Whether a private engine can run here; under CI=true a missing piece is an error, not a skip. */
export function engineAvailable(): boolean {
  return toolsAvailable([
    ...['dockerd', 'docker', 'docker-compose', 'mmdebstrap', 'mvn', 'iptables', 'ip'].map((name) => ({
      what: name,
      found: findTool(name) !== undefined,
      install: 'Debian packages, as .ci/run installs them',
    })),
    { what: 'root', found: process.getuid?.() === 0, install: 'the Docker engine needs root' },
  ]);
}

export interface Engine {
  env: Record<string, string>;
  /** Whether this test started the engine (and so stops it). */
  startedHere: boolean;
  stop(): Promise<void>;
}

export async function startEngine(): Promise<Engine> {
  const running = spawnSync(DOCKERD, ['status'], { stdio: 'ignore' }).status === 0;
  const { stdout } = await run(DOCKERD, ['start']);
  const dockerHost = /DOCKER_HOST=(\S+)/.exec(stdout)?.[1];
  if (!dockerHost) throw new Error(`dockerd.sh start printed no DOCKER_HOST: ${stdout}`);
  return {
    env: { DOCKER_HOST: dockerHost },
    startedHere: !running,
    async stop() {
      if (!running) await run(DOCKERD, ['stop']);
    },
  };
}

/** Runs a command from the repository root; resolves with its output, rejects with it on failure. */
export async function sh(command: string, args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(command, args, { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`.slice(0, 8000));
  }
}

/** Seconds since `start` (a Date.now()), one decimal. */
export const seconds = (start: number) => Number(((Date.now() - start) / 1000).toFixed(1));

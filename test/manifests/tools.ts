import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where .ci/run caches Go-built tools between runs on one machine (fresh clones share it). */
export const TOOLS_BIN = process.env.K8S_APP_MONITOR_TOOLS ?? join(homedir(), '.cache/k8s-app-monitor/bin');

/** The virtualenv .ci/run installs Python tools into, next to the Go tools. */
export const TOOLS_VENV_BIN = join(TOOLS_BIN, '..', 'venv', 'bin');

/** A tool's path: in the tools cache (or the given folder), else on PATH; undefined when neither has it. */
export function findTool(name: string, dir = TOOLS_BIN): string | undefined {
  const cached = join(dir, name);
  if (existsSync(cached)) return cached;
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

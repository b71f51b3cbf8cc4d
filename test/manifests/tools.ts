import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where .ci/run caches Go-built tools between runs on one machine (fresh clones share it). */
export const TOOLS_BIN = process.env.K8S_APP_MONITOR_TOOLS ?? join(homedir(), '.cache/k8s-app-monitor/bin');

/** A tool's path: on PATH, or in the tools cache; undefined when neither has it. */
export function findTool(name: string): string | undefined {
  const cached = join(TOOLS_BIN, name);
  if (existsSync(cached)) return cached;
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

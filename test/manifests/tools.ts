import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where .ci/run caches Go-built tools between runs on one machine (fresh clones share it). */
export const TOOLS_BIN = process.env.K8S_APP_MONITOR_TOOLS ?? join(homedir(), '.cache/k8s-app-monitor/bin');

/** The virtualenv .ci/run installs Python tools into, next to the Go tools. */
export const TOOLS_VENV_BIN = join(TOOLS_BIN, '..', 'venv', 'bin');

/** A tool's path: in the tools cache (or the given folder), else on PATH; undefined when neither has it. */
export function findTool(name: string, dir = TOOLS_BIN): string | undefined {
  const cached = join(dir, name);
  if (existsSync(cached)) return cached;
  return (process.env.PATH ?? '').split(delimiter).map((d) => join(d, name)).find((path) => isExecutable(path));
}

/**
 * A real tool the tests need: its path, or undefined locally when it is missing (the tests skip);
 * under CI=true a missing tool is an error naming how .ci/run gets it, never a skip or a crash.
 */
export function requiredTool(name: string, howCiGetsIt: string): string | undefined {
  const path = findTool(name);
  if (!path && process.env.CI === 'true') throw new Error(`CI=true but ${name} is missing: ${howCiGetsIt}`);
  return path;
}

/** kubectl, for `kubectl kustomize`: the workflow installs it (azure/setup-kubectl). */
export const kubectl = (): string | undefined => requiredTool('kubectl', 'the workflow installs it (azure/setup-kubectl); .ci/run checks for it first');

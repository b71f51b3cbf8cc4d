/**
 * The one rule for tests that need a real tool (Prometheus, Zipkin, Chromium, kubectl, istioctl,
 * docker-compose, …): when it is missing they skip locally, and fail under CI=true, where .ci/run
 * must have installed it. Every test asks here, so the rule is the same everywhere.
 */
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
const TOOLS_BIN = process.env.K8S_APP_MONITOR_TOOLS ?? join(homedir(), '.cache/k8s-app-monitor/bin');

/** The virtualenv .ci/run installs Python tools into, next to the Go tools. */
export const TOOLS_VENV_BIN = join(TOOLS_BIN, '..', 'venv', 'bin');

/** A tool's path: in the tools cache (or the given folder), else on PATH; undefined when neither has it. */
export function findTool(name: string, dir = TOOLS_BIN): string | undefined {
  const cached = join(dir, name);
  if (existsSync(cached)) return cached;
  return (process.env.PATH ?? '')
    .split(delimiter)
    .map((d) => join(d, name))
    .find((path) => isExecutable(path));
}

export interface Requirement {
  /** What is needed, as a person would name it. */
  what: string;
  found: boolean;
  /** How .ci/run gets it, for the CI error. */
  install: string;
}

/** Whether every requirement is met. Locally a missing one means skip; under CI=true it throws, naming it. */
export function toolsAvailable(requirements: Requirement[]): boolean {
  const missing = requirements.filter((requirement) => !requirement.found);
  if (missing.length === 0) return true;
  if (process.env.CI === 'true') {
    throw new Error(`CI=true but ${missing.map(({ what, install }) => `${what} is missing (${install})`).join('; ')}: .ci/run must provide it`);
  }
  return false;
}

/** One command-line tool: its path, or undefined (skip) locally, or an error under CI=true. */
export function requireTool(name: string, install: string, dir = TOOLS_BIN): string | undefined {
  const path = findTool(name, dir);
  return toolsAvailable([{ what: name, found: path !== undefined, install }]) ? path : undefined;
}

/** kubectl, for `kubectl kustomize`: the workflow installs it (azure/setup-kubectl); .ci/run checks for it first. */
export const kubectl = (): string | undefined => requireTool('kubectl', 'the workflow installs it (azure/setup-kubectl); .ci/run checks for it first');

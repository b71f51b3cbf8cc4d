import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceNodeArgs, type ServiceDir } from '../../src/shared/node-command.js';
import { ROOT } from '../helpers/paths.js';

const SERVICES: [ServiceDir, string, string][] = [
  ['monitor-test', 'start:test', 'k8s-app-monitor-test'],
  ['monitor-agent', 'start:agent', 'k8s-app-monitor-agent'],
];

describe("a service's node command line, written once in src/shared/node-command.ts", () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it.each(SERVICES)('%s: package.json runs it so', (service, script) => {
    expect(scripts[script]).toBe(['node', ...serviceNodeArgs(service, './dist')].join(' '));
  });

  it.each(SERVICES)('%s: the Dockerfile stage runs it so', (service, _script, stage) => {
    const cmd = new RegExp(`^FROM runtime AS ${stage}\\n(?:.*\\n)*?CMD (.*)$`, 'm').exec(dockerfile)?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(serviceNodeArgs(service, './dist'));
  });
});

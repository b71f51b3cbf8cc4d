/** infra/versions.env, the one file every pinned tool version is written in, as a record. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

const VERSIONS: Readonly<Record<string, string>> = Object.fromEntries(
  readFileSync(join(ROOT, 'infra/versions.env'), 'utf8')
    .split('\n')
    .map((line) => /^([A-Z0-9_]+)=(\S+)$/.exec(line.trim()))
    .filter((match) => match !== null)
    .map((match) => [match[1]!, match[2]!]),
);

export function version(name: string): string {
  const value = VERSIONS[name];
  if (value === undefined) throw new Error(`infra/versions.env has no ${name}`);
  return value;
}

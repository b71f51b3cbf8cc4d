/**
 * Refuses to start on a Node.js older than package.json's `engines.node`, with one line and exit
 * 78 (EX_CONFIG), before anything that needs the newer runtime is imported: the OpenTelemetry
 * line the services use requires Node >= 22.15 and would otherwise fail deep inside its own code.
 * Kept free of imports beyond node: builtins so that an old Node can load it.
 */
import { readFileSync } from 'node:fs';

type Version = [number, number, number];

const parse = (text: string): Version | undefined => {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)] : undefined;
};

/** The version a `>=X[.Y[.Z]]` range asks for (the only form this project's engines field uses). */
export function minimumNode(range: string): Version {
  const version = range.trim().startsWith('>=') ? parse(range.trim().slice(2)) : undefined;
  if (!version) throw new Error(`engines.node must be ">=X[.Y[.Z]]", not "${range}"`);
  return version;
}

/** The one line to print when `running` (e.g. process.version) is older than `range`, else undefined. */
export function unsupportedNodeMessage(running: string, range: string): string | undefined {
  const have = parse(running);
  const need = minimumNode(range);
  if (!have) return `cannot read the Node.js version "${running}"; k8s-app-monitor needs Node.js ${range}`;
  const cmp = have[0] - need[0] || have[1] - need[1] || have[2] - need[2];
  return cmp < 0 ? `k8s-app-monitor needs Node.js ${range} (package.json engines); this is Node.js ${running}` : undefined;
}

/** package.json's engines.node; dist/shared/node-version.js and src/shared/node-version.ts both sit two levels down. */
export const enginesNode = (): string => (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } }).engines.node;

export function exitUnlessSupportedNode(): void {
  const message = unsupportedNodeMessage(process.version, enginesNode());
  if (!message) return;
  process.stderr.write(`${message}\n`);
  process.exit(78); // EX_CONFIG (sysexits.h), as for any other configuration error
}

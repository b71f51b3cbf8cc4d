/**
 * Schema checks with the kubernetes-models packages: `validate()` for types, required fields and
 * formats, and — because those validators accept unknown fields — a TypeScript excess-property
 * check of each object against the model's interface, which rejects a misspelt or misplaced field.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type K8sObject } from './objects.js';

/** The module and interface of an object's model, e.g. kubernetes-models/apps/v1/Deployment. */
function modelModule(obj: K8sObject): string {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  if (group!.endsWith('istio.io')) return `@kubernetes-models/istio/${group}/${version}/${obj.kind}`;
  if (group === 'gateway.networking.k8s.io') return `@kubernetes-models/gateway-api/${group}/${version}/${obj.kind}`;
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/${group}/${version}/${obj.kind}`;
  return group ? `kubernetes-models/${group}/${version}/${obj.kind}` : `kubernetes-models/${version}/${obj.kind}`;
}

/** Errors of `new Model(obj).validate()`, one string per object that fails. */
export async function validationErrors(objects: K8sObject[]): Promise<string[]> {
  const errors: string[] = [];
  for (const obj of objects) {
    const module = (await import(modelModule(obj))) as Record<string, new (data: unknown) => { validate(): void }>;
    const Model = module[obj.kind];
    if (!Model) {
      errors.push(`${obj.kind}/${obj.metadata.name}: no model in ${modelModule(obj)}`);
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (error) {
      errors.push(`${obj.kind}/${obj.metadata.name}: ${(error as Error).message}`);
    }
  }
  return errors;
}

/** Fields the model's interface does not know, found by compiling each object as a typed literal. */
export function unknownFieldErrors(objects: K8sObject[]): string[] {
  const dir = mkdtempSync(join(ROOT, 'test/manifests/.unknown-fields-'));
  const file = join(dir, 'check.ts');
  const lines = objects.flatMap((obj, i) => [`import type { I${obj.kind} as T${i} } from '${modelModule(obj)}';`, `export const o${i}: T${i} = ${JSON.stringify(obj)};`]);
  writeFileSync(file, lines.join('\n'));
  try {
    // TypeScript 7 (the native compiler) keeps its programmatic API unstable; its CLI is the
    // public interface. --ignoreConfig keeps the project's tsconfig out of it.
    const tsc = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '--ignoreConfig',
        '--noEmit',
        '--pretty',
        'false',
        '--strict',
        '--skipLibCheck',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        file,
      ],
      { encoding: 'utf8' },
    );
    if (tsc.error) throw tsc.error;
    // One diagnostic per `check.ts(line,col): error TSnnnn: …` line; indented lines continue it.
    const diagnostics: { line: number; text: string }[] = [];
    for (const out of tsc.stdout.split('\n')) {
      const head = /check\.ts\((\d+),\d+\): error TS\d+: (.*)$/.exec(out);
      if (head) diagnostics.push({ line: Number(head[1]) - 1, text: head[2]! });
      else if (/^\s+\S/.test(out) && diagnostics.length) diagnostics.at(-1)!.text += ` ${out.trim()}`;
    }
    if (tsc.status !== 0 && !diagnostics.length) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
    return diagnostics.map(({ line, text }) => {
      const obj = objects[Math.floor(line / 2)]!;
      return `${obj.kind}/${obj.metadata.name}: ${text.slice(0, 300)}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

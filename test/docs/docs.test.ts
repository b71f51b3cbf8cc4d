/**
 * The README and docs stay true: every environment variable the code reads is in a configuration
 * table and every variable in those tables is read by the code; every relative link resolves.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(path, keep);
    return keep(path) ? [path] : [];
  });
}

/** Variables the services' code reads: config readers, the tracing defaults, `npm start`'s ports. */
export function variablesReadByCode(): Set<string> {
  const names = new Set<string>();
  for (const file of filesUnder('src', (path) => path.endsWith('.ts'))) {
    const source = read(file);
    for (const [, name] of source.matchAll(/(?:read[A-Za-z]*|raw)\(\s*env,\s*'([A-Z][A-Z0-9_]+)'/g)) names.add(name!);
    for (const [, name] of source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) names.add(name!);
    for (const [, list] of source.matchAll(/const \{([^}]*)\} = process\.env/g)) {
      for (const [, name] of list!.matchAll(/([A-Z][A-Z0-9_]+)\s*=/g)) names.add(name!);
    }
  }
  return names;
}

/** The backticked variable names in the first column of a section's tables. */
export function variablesInTables(markdown: string, heading: string): Set<string> {
  const start = markdown.indexOf(heading);
  if (start < 0) throw new Error(`no section ${heading}`);
  const next = markdown.indexOf('\n## ', start + heading.length);
  const section = markdown.slice(start, next < 0 ? undefined : next);
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    const firstCell = /^\|([^|]*)\|/.exec(line)?.[1] ?? '';
    for (const [, name] of firstCell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(name!);
  }
  return names;
}

/** Relative link targets in a markdown text that do not exist (code blocks and spans ignored). */
export function brokenLinks(file: string, markdown: string): string[] {
  const text = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const broken: string[] = [];
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    if (/^([a-z]+:|#)/.test(target!)) continue;
    const path = join(dirname(join(ROOT, file)), decodeURIComponent(target!.split('#')[0]!));
    // A trailing slash must name a folder: Node's existsSync('file/') is false (ENOTDIR).
    if (!existsSync(path)) broken.push(`${file} → ${target}`);
  }
  return broken;
}

const markdownFiles = (): string[] => [...filesUnder('.', (path) => path.endsWith('.md') && !path.startsWith('node_modules') && !path.startsWith('.'))];

describe('the docs stay true', () => {
  it('lists every variable the code reads, and only those (README configuration, OpenTelemetry in docs/observability.md)', () => {
    const documented = new Set([...variablesInTables(read('README.md'), '## Configuration'), ...variablesInTables(read('docs/observability.md'), '## Telemetry settings')]);
    const byCode = variablesReadByCode();
    // OTEL_* variables the SDK reads itself are documented without our code naming them.
    const sdkOnly = [...documented].filter((name) => name.startsWith('OTEL_') && !byCode.has(name));
    expect([...byCode].filter((name) => !documented.has(name)).sort()).toEqual([]);
    expect([...documented].filter((name) => !byCode.has(name) && !sdkOnly.includes(name)).sort()).toEqual([]);
    expect(byCode.size).toBeGreaterThan(15);
  });

  it('resolves every relative link in every markdown file', () => {
    const files = markdownFiles();
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/deploy.md', 'test/README.md']));
    expect(files.flatMap((file) => brokenLinks(file, read(file)))).toEqual([]);
  });

  it('reports a link to a missing file, a file linked as a folder, and not a working link', () => {
    const text = '[a](docs/no-such-file.md) [b](README.md/) [c](docs/deploy.md#compose) [d](https://x.test/y) `[e](z.md)`\n```\n[f](no.md)\n```';
    expect(brokenLinks('README.md', text)).toEqual(['README.md → docs/no-such-file.md', 'README.md → README.md/']);
  });
});

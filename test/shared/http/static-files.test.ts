/**
 * Which static files are held in memory and which are read from disk at each request: small
 * files are held; a large one with a precompressed copy is streamed in every encoding, so its
 * bytes never sit in the process (src/shared/http/static-files.ts). The tests rewrite the files
 * after loading them: a held file answers with what was loaded, a streamed one with the disk.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { loadStaticFiles } from '../../../src/shared/http/static-files.js';
import { rawGet, startServer } from '../../helpers/fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** GET of one file, from a folder loaded once and then rewritten on disk. */
async function servedAfterRewrite(files: Record<string, string>, rewrite: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'static-files-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const staticFiles = loadStaticFiles(dir);
  for (const [name, text] of Object.entries(rewrite)) writeFileSync(join(dir, name), text);
  const app = new Koa();
  app.use((ctx) => staticFiles.send(ctx, ctx.path.slice(1)));
  const server = await startServer(app.callback());
  cleanups.push(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return async (name: string, acceptEncoding: string) => {
    const { headers, body } = await rawGet(new URL(name, server.url), { 'accept-encoding': acceptEncoding });
    return { encoding: headers['content-encoding'], length: headers['content-length'], text: body.toString() };
  };
}

const LARGE = 1024 * 1024 + 1;
const [A, B] = ['a', 'b'].map((c) => c.repeat(LARGE));

describe('static files', () => {
  it('holds a small file in memory, with its compressed copies', async () => {
    const get = await servedAfterRewrite({ 'a.js': 'small', 'a.js.gz': 'gz' }, { 'a.js': 'SMALL', 'a.js.gz': 'GZ' });
    expect(await get('a.js', 'identity')).toEqual({ encoding: undefined, length: '5', text: 'small' });
    expect(await get('a.js', 'gzip')).toEqual({ encoding: 'gzip', length: '2', text: 'gz' });
  });

  it('streams a large file that has a compressed copy from disk, in every encoding, with its length', async () => {
    const get = await servedAfterRewrite({ 'big.js': A, 'big.js.br': 'br1' }, { 'big.js': B, 'big.js.br': 'br2' });
    expect(await get('big.js', 'identity')).toEqual({ encoding: undefined, length: String(LARGE), text: B });
    expect(await get('big.js', 'br')).toEqual({ encoding: 'br', length: '3', text: 'br2' });
  });

  it('holds a large file that has no compressed copy', async () => {
    const get = await servedAfterRewrite({ 'big.js': A }, { 'big.js': B });
    expect(await get('big.js', 'br, gzip')).toEqual({ encoding: undefined, length: String(LARGE), text: A });
  });
});

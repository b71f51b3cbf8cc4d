/**
 * Which static files are held in memory and which are read from disk at each request: small
 * files are held; a large one with a precompressed copy is streamed in every encoding, so its
 * bytes never sit in the process (src/shared/http/static-files.ts). The tests rewrite the files
 * after loading them: a held file answers with what was loaded, a streamed one with the disk.
 */
import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
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

/** GET of one file, from a folder loaded once and then rewritten on disk (an empty text deletes the file). */
async function servedAfterRewrite(files: Record<string, string>, rewrite: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'static-files-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const staticFiles = loadStaticFiles(dir);
  for (const [name, text] of Object.entries(rewrite)) text ? writeFileSync(join(dir, name), text) : unlinkSync(join(dir, name));
  const app = new Koa();
  app.silent = true; // a client going mid-way is an error event, as it is for the services (koa-app.ts)
  app.use((ctx) => staticFiles.send(ctx, ctx.path.slice(1)));
  const server = await startServer(app.callback());
  cleanups.push(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const get = async (name: string, acceptEncoding: string) => {
    const { status, headers, body } = await rawGet(new URL(name, server.url), { 'accept-encoding': acceptEncoding });
    return { status, encoding: headers['content-encoding'], length: headers['content-length'], text: body.toString() };
  };
  return Object.assign(get, { url: server.url });
}

const openFiles = () => readdirSync('/proc/self/fd').length;

const LARGE = 1024 * 1024 + 1;
const A = 'a'.repeat(LARGE);
const B = 'b'.repeat(LARGE);

describe('static files', () => {
  it('holds a small file in memory, with its compressed copies', async () => {
    const get = await servedAfterRewrite({ 'a.js': 'small', 'a.js.gz': 'gz' }, { 'a.js': 'SMALL', 'a.js.gz': 'GZ' });
    expect(await get('a.js', 'identity')).toEqual({ status: 200, encoding: undefined, length: '5', text: 'small' });
    expect(await get('a.js', 'gzip')).toEqual({ status: 200, encoding: 'gzip', length: '2', text: 'gz' });
  });

  it('streams a large file that has a compressed copy from disk, in every encoding, with its length', async () => {
    const get = await servedAfterRewrite({ 'big.js': A, 'big.js.br': 'br1' }, { 'big.js': B, 'big.js.br': 'br2' });
    expect(await get('big.js', 'identity')).toEqual({ status: 200, encoding: undefined, length: String(LARGE), text: B });
    expect(await get('big.js', 'br')).toEqual({ status: 200, encoding: 'br', length: '3', text: 'br2' });
    const head = await fetch(new URL('big.js', get.url), { method: 'HEAD', headers: { 'accept-encoding': 'identity' } });
    expect([head.status, head.headers.get('content-length'), (await head.arrayBuffer()).byteLength]).toEqual([200, String(LARGE), 0]);
  });

  it('answers 500 for a streamed file gone from disk, or of another size than at start-up', async () => {
    const get = await servedAfterRewrite({ 'big.js': A, 'big.js.br': 'br1', 'big.js.gz': 'gz1' }, { 'big.js.br': '', 'big.js.gz': 'longer' });
    expect((await get('big.js', 'br')).status).toBe(500);
    expect((await get('big.js', 'gzip')).status).toBe(500);
  });

  it('closes a streamed file when its client goes mid-way', async () => {
    const get = await servedAfterRewrite({ 'big.js': A.repeat(8), 'big.js.gz': 'gz' });
    const before = openFiles();
    await Promise.all(
      Array.from(
        { length: 10 },
        () =>
          new Promise<void>((resolve) => {
            const request = httpGet(new URL('big.js', get.url), (response) => response.once('data', () => request.destroy()));
            request.on('close', resolve);
          }),
      ),
    );
    for (let i = 0; i < 40 && openFiles() > before; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(openFiles()).toBeLessThanOrEqual(before);
  });

  it('holds a large file that has no compressed copy', async () => {
    const get = await servedAfterRewrite({ 'big.js': A }, { 'big.js': B });
    expect(await get('big.js', 'br, gzip')).toEqual({ status: 200, encoding: undefined, length: String(LARGE), text: A });
  });
});

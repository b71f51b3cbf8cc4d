/**
 * Which static files are held in memory and which are read from disk at each request: small
 * files are held; a large one with a precompressed copy is read from disk in every encoding, so
 * its bytes never sit in the process (src/shared/http/static-files.ts). The tests rewrite the
 * files after loading them: a held file answers with what was loaded, one read from disk with
 * what the disk has now.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readlinkSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { get as httpGet, type ClientRequest } from 'node:http';
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

/** Requests to a folder loaded once and then rewritten on disk (an empty text deletes the file). */
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
  /** How many of this process's descriptors are files of the folder. */
  const openFiles = () =>
    readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir);
      } catch {
        return false; // closed while listing
      }
    }).length;
  return Object.assign(get, { url: server.url, openFiles });
}

/** Random text, so a chunk sent twice, out of order or from a reused buffer too early shows. */
const randomText = (length: number) => randomBytes(length).toString('base64').slice(0, length);
const LARGE = 1024 * 1024 + 1;
const A = randomText(LARGE);
const B = randomText(LARGE);

describe('static files', () => {
  it('holds a small file in memory, with its compressed copies', async () => {
    const get = await servedAfterRewrite({ 'a.js': 'small', 'a.js.gz': 'gz' }, { 'a.js': 'SMALL', 'a.js.gz': 'GZ' });
    expect(await get('a.js', 'identity')).toEqual({ status: 200, encoding: undefined, length: '5', text: 'small' });
    expect(await get('a.js', 'gzip')).toEqual({ status: 200, encoding: 'gzip', length: '2', text: 'gz' });
  });

  it('reads a large file that has a compressed copy from disk, in every encoding, with its length', async () => {
    const get = await servedAfterRewrite({ 'big.js': A, 'big.js.br': 'br1' }, { 'big.js': B, 'big.js.br': 'br2' });
    expect(await get('big.js', 'identity')).toEqual({ status: 200, encoding: undefined, length: String(LARGE), text: B });
    expect(await get('big.js', 'br')).toEqual({ status: 200, encoding: 'br', length: '3', text: 'br2' });
  });

  it('answers HEAD without opening the file', async () => {
    const get = await servedAfterRewrite({ 'big.js': A, 'big.js.br': 'br1' }, { 'big.js': '' });
    const head = await fetch(new URL('big.js', get.url), { method: 'HEAD', headers: { 'accept-encoding': 'identity' } });
    expect([head.status, head.headers.get('content-length'), (await head.arrayBuffer()).byteLength]).toEqual([200, String(LARGE), 0]);
    expect((await get('big.js', 'identity')).status).toBe(500);
  });

  it('answers 500 for a file gone from disk, or of another size than at start-up', async () => {
    const get = await servedAfterRewrite({ 'big.js': A, 'big.js.br': 'br1', 'big.js.gz': 'gz1' }, { 'big.js.br': '', 'big.js.gz': 'longer' });
    expect(await get('big.js', 'br')).toMatchObject({ status: 500, encoding: undefined });
    expect(await get('big.js', 'gzip')).toMatchObject({ status: 500, encoding: undefined });
  });

  it('closes a file when its client goes mid-way', async () => {
    const get = await servedAfterRewrite({ 'big.js': randomText(32 * LARGE), 'big.js.gz': 'gz' });
    // Ten clients that take the first bytes and then stop reading, so the server is still sending.
    const requests = await Promise.all(
      Array.from(
        { length: 10 },
        () =>
          new Promise<ClientRequest>((resolve) => {
            const request = httpGet(new URL('big.js', get.url), (response) =>
              response.once('data', () => {
                response.pause();
                resolve(request);
              }),
            );
          }),
      ),
    );
    expect(get.openFiles()).toBe(10);
    for (const request of requests) request.destroy();
    for (let i = 0; i < 40 && get.openFiles() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(get.openFiles()).toBe(0);
  });

  it('holds a large file that has no compressed copy', async () => {
    const get = await servedAfterRewrite({ 'big.js': A }, { 'big.js': B });
    expect(await get('big.js', 'br, gzip')).toEqual({ status: 200, encoding: undefined, length: String(LARGE), text: A });
  });
});

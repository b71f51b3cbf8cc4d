import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, relative } from 'node:path';
import type { Context } from 'koa';
import { usePagePolicy } from './security-headers.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** One encoding of a file: its bytes, held in memory, or the file to stream them from. */
interface Stored {
  path: string;
  size: number;
  bytes?: Buffer;
}

interface StaticFile {
  type: string;
  /** An HTML page: answered with the pages' Content-Security-Policy. */
  page: boolean;
  etag: string;
  identity: Stored;
  br?: Stored;
  gzip?: Stored;
}

export interface StaticFiles {
  /**
   * Answers with one file, compressed as the client accepts, or 304 when its copy is current. A
   * file read from disk is written after the middleware has returned, as Koa writes a body.
   */
  send(ctx: Context, name: string, options?: { maxAgeSeconds?: number }): Promise<void>;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

const STREAM_FROM_DISK_BYTES = 1024 * 1024;

/** What a file is read by a chunk of, at start-up to hash it and at each request to send it. */
const CHUNK_BYTES = 64 * 1024;

const stored = (path: string, hold: boolean, size = statSync(path).size): Stored => ({ path, size, bytes: hold ? readFileSync(path) : undefined });

/**
 * The digest of a file that is not held in memory, read a chunk at a time. Reading the 10 MB
 * Plotly bundle whole only to hash it cost the agent 4–9 MB at its peak under load, long after that
 * buffer was freed (15 s of chart data at 32 connections, one run each: 121 → 117 MB as shipped,
 * 114 → 106 without Maglev), most likely through glibc, which raises its mmap threshold to the
 * size of a freed mapping.
 */
function fileDigest(path: string): Hash {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash;
}

/**
 * Writes `size` bytes of an open file to the response, each chunk read into the same buffer once
 * the previous one has been handed to the socket, and closes it; never more than the
 * Content-Length sent, and a reset if the file ends early. Stops when the client goes; a failure
 * goes to `onError` (Koa's ctx.onerror, which logs it as it does a failed body stream). Never
 * rejects. Hand-written because fs.createReadStream allocates a fresh buffer for every chunk: for
 * the Plotly bundle's `.br` that cost the agent 4.5 ms of CPU a download and a peak of 162 MB at
 * 8 connections (bench scenario 6b), against 1.3 ms and 102 MB here, and 0.46 ms and 107 MB with
 * the copy held in memory (docs/performance.md).
 */
async function writeFromDisk(res: ServerResponse, file: FileHandle, size: number, onError: (error: Error) => void): Promise<void> {
  const chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  const gone = new Promise<void>((resolve) => res.once('close', resolve));
  try {
    for (let sent = 0; sent < size && !res.destroyed; ) {
      const { bytesRead } = await file.read(chunk, 0, Math.min(CHUNK_BYTES, size - sent));
      if (bytesRead === 0) throw new Error(`the file ended ${size - sent} bytes short of its length at start-up`);
      sent += bytesRead;
      const written = new Promise<void>((resolve, reject) => res.write(chunk.subarray(0, bytesRead), (error) => (error ? reject(error) : resolve())));
      // A write to a closed socket may never call back: the client going ends the loop too.
      await Promise.race([written, gone]);
    }
    if (!res.destroyed) res.end();
  } catch (error) {
    res.destroy(); // the headers are out, so a reset is all that is left
    onError(error as Error);
  } finally {
    await file.close().catch(onError);
  }
}

/**
 * Loads a folder of assets once, at start-up. Precompressed `.br`/`.gz` siblings written by the
 * build (scripts/copy-assets.mjs) are served to clients that accept them, so the 10 MB Plotly
 * bundle goes out as ~1.6 MB without compressing at request time. Small files are held in
 * memory, where they are served fastest. A file over STREAM_FROM_DISK_BYTES that has such a
 * sibling is streamed from disk in every encoding instead: a browser fetches it once and then
 * keeps or revalidates its copy, and holding the Plotly bundle's copies cost the agent their size in
 * RSS for its whole life (10 MB uncompressed; 3.5 MB for its `.br` and `.gz`, docs/performance.md).
 */
export function loadStaticFiles(dir: string): StaticFiles {
  const files = new Map<string, StaticFile>();
  for (const path of listFiles(dir)) {
    const type = TYPES[extname(path)];
    if (!type) continue; // .br/.gz siblings and unknown kinds are not served by name
    const [brPath, gzipPath] = [`${path}.br`, `${path}.gz`].map((sibling) => (existsSync(sibling) ? sibling : undefined));
    const size = statSync(path).size;
    const hold = !(brPath || gzipPath) || size <= STREAM_FROM_DISK_BYTES;
    const identity = stored(path, hold, size);
    const digest = identity.bytes ? createHash('sha256').update(identity.bytes) : fileDigest(path);
    files.set(relative(dir, path).split('\\').join('/'), {
      type,
      page: type.startsWith('text/html'),
      identity,
      etag: `W/"${digest.digest('base64url').slice(0, 27)}"`,
      br: brPath ? stored(brPath, hold) : undefined,
      gzip: gzipPath ? stored(gzipPath, hold) : undefined,
    });
  }

  return {
    async send(ctx, name, { maxAgeSeconds = 0 } = {}) {
      const file = files.get(name);
      if (!file) return ctx.throw(404, 'no such asset');
      ctx.vary('Accept-Encoding');
      // max-age 0 still lets the browser cache, but it revalidates with If-None-Match each time.
      ctx.set('Cache-Control', maxAgeSeconds > 0 ? `public, max-age=${maxAgeSeconds}` : 'no-cache');
      ctx.etag = file.etag;
      ctx.type = file.type;
      // Before the 304 too: a cache updates a stored page's headers from its 304.
      if (file.page) usePagePolicy(ctx);
      ctx.status = 200;
      if (ctx.fresh) {
        ctx.status = 304;
        return;
      }
      // Asked one at a time: at equal quality the smaller encoding wins, whatever the client's order.
      let chosen = file.identity;
      if (file.br && ctx.acceptsEncodings('br') === 'br') {
        ctx.set('Content-Encoding', 'br');
        chosen = file.br;
      } else if (file.gzip && ctx.acceptsEncodings('gzip') === 'gzip') {
        ctx.set('Content-Encoding', 'gzip');
        chosen = file.gzip;
      }
      if (chosen.bytes) {
        ctx.body = chosen.bytes;
        return;
      }
      ctx.length = chosen.size;
      // Opened here, so a file gone from disk is a 500 from the error handler, not a reset; and one
      // changed since start-up is refused rather than sent under the length and ETag of the old.
      const opened = ctx.method === 'HEAD' ? undefined : await open(chosen.path);
      try {
        if (opened && (await opened.stat()).size !== chosen.size) ctx.throw(500, `${name} changed on disk since start-up`);
      } catch (error) {
        await opened?.close();
        throw error;
      }
      // Headers set through ctx are on ctx.res already; they go out with the first chunk.
      ctx.respond = false;
      if (opened) void writeFromDisk(ctx.res, opened, chosen.size, (error) => ctx.onerror(error));
      else ctx.res.end();
    },
  };
}

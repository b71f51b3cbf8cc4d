/**
 * SVG to PNG: resvg (Rust, prebuilt for each platform in the npm registry) rasterises on libuv's
 * thread pool, and the pixels are written as a PNG with zlib at level 1. resvg's own asPng()
 * compresses hard: measured here it took 5× the time of the rasterisation itself, for a file
 * 2–3× smaller (~8 KB against ~20 KB for a chart). A chart is fetched once and thrown away, so
 * speed wins; this file is the whole of that PNG writer.
 */
import { promisify } from 'node:util';
import { crc32, deflate } from 'node:zlib';
import { renderAsync } from '@resvg/resvg-js';

const deflateAsync = promisify(deflate);
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** An 8-bit RGBA PNG of straight (opaque) pixels, rows unfiltered. */
export async function encodePng(rgba: Buffer, width: number, height: number): Promise<Buffer> {
  const stride = width * 4;
  const raw = Buffer.allocUnsafe((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method, no interlace
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', await deflateAsync(raw, { level: 1 })), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * Rasterises an SVG that needs no fonts (its text is outlines). Every drawing starts with an
 * opaque background, so resvg's premultiplied pixels equal straight ones.
 */
export async function renderPng(svg: string): Promise<Buffer> {
  const image = await renderAsync(svg, { font: { loadSystemFonts: false }, logLevel: 'off' });
  return encodePng(image.pixels, image.width, image.height);
}

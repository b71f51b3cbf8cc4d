/** Reads what a PNG says about itself, and its pixels (8-bit RGBA, filter 0 rows as we write them). */
import { inflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pngInfo(png: Buffer) {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG');
  const chunks: { type: string; data: Buffer }[] = [];
  for (let offset = 8; offset < png.length;) {
    const length = png.readUInt32BE(offset);
    chunks.push({ type: png.toString('latin1', offset + 4, offset + 8), data: png.subarray(offset + 8, offset + 8 + length) });
    offset += 12 + length;
  }
  const ihdr = chunks[0]!.data;
  return {
    chunkTypes: chunks.map((c) => c.type),
    width: ihdr.readUInt32BE(0),
    height: ihdr.readUInt32BE(4),
    bitDepth: ihdr[8],
    colorType: ihdr[9],
    /** The RGBA of one pixel, for images whose rows are all unfiltered. */
    pixel(x: number, y: number): number[] {
      const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
      const stride = ihdr.readUInt32BE(0) * 4 + 1;
      if (raw[y * stride] !== 0) throw new Error('filtered row');
      const at = y * stride + 1 + x * 4;
      return [...raw.subarray(at, at + 4)];
    },
  };
}

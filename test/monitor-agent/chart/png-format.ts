/** Reads what a PNG says about itself, and its pixels (8-bit palette, filter 0 rows as we write them). */
import { inflateSync } from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pngInfo(png: Buffer) {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG');
  const chunks: { type: string; data: Buffer }[] = [];
  for (let offset = 8; offset < png.length; ) {
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
    /** The RGB of one pixel of an 8-bit palette image whose rows are all unfiltered. */
    pixel(x: number, y: number): number[] {
      if (ihdr[9] !== 3 || ihdr[8] !== 8) throw new Error('not an 8-bit palette image');
      const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
      const stride = ihdr.readUInt32BE(0) + 1;
      if (raw.length !== stride * ihdr.readUInt32BE(4)) throw new Error('image data of the wrong size');
      if (raw[y * stride] !== 0) throw new Error('filtered row');
      const index = raw[y * stride + 1 + x]!;
      const palette = chunks.find((c) => c.type === 'PLTE')!.data;
      if (index * 3 + 3 > palette.length) throw new Error('index outside the palette');
      return [...palette.subarray(index * 3, index * 3 + 3)];
    },
  };
}

/**
 * A PNG writer for the composed chart (8-bit palette, unfiltered rows), with its own deflate
 * encoder. Measured (bench, `BENCH_PROFILE=agent-png npm run bench:profile`): zlib's deflateSync at
 * level 1 spent ~370 µs of the agent's ~1.7 ms a chart, and its floor is the size of the input,
 * not the matching: 400 KB of zeros still took ~180 µs (its checksum and window copies, and a fresh
 * 256 KB state per call). A chart is a few rectangles and some text, and raster.ts knows where
 * each is, so this writer never reads most of the pixels: outside the text boxes a row changes
 * colour only at a rectangle's edge, so each span between edges is one run; inside a text box the
 * pixels are read one by one. Runs become deflate matches at distance 1 (fixed Huffman codes, one
 * block), and the Adler-32 checksum is summed per run in closed form. A chart is fetched once and
 * thrown away, so speed wins over size: the file is ~1.5–2× zlib's (still ~15 KB).
 */
import { crc32 } from 'node:zlib';
import type { Canvas } from './raster.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export function encodePng(canvas: Canvas): Buffer {
  const { width, height, palette } = canvas;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8); // 8-bit palette indices, deflate, adaptive filtering, no interlace
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('PLTE', palette), chunk('IDAT', zlibStream(canvas)), chunk('IEND', Buffer.alloc(0))]);
}

// RFC 1951's fixed Huffman codes, stored bit-reversed (deflate writes codes from their most
// significant bit into a stream filled from each byte's least significant one).
const reverse = (code: number, bits: number): number => {
  let out = 0;
  for (let i = 0; i < bits; i++) out = (out << 1) | ((code >> i) & 1);
  return out;
};
const LITERAL_CODE = new Uint16Array(257);
const LITERAL_BITS = new Uint8Array(257);
for (let v = 0; v <= 256; v++) {
  const [code, bits] = v < 144 ? [0x30 + v, 8] : v < 256 ? [0x190 + v - 144, 9] : [0, 7];
  LITERAL_CODE[v] = reverse(code, bits);
  LITERAL_BITS[v] = bits;
}
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/** For each match length 3–258, its length code, extra bits and distance code 0 (distance 1), as one bit string. */
const MATCH_CODE = new Uint32Array(259);
const MATCH_BITS = new Uint8Array(259);
for (let length = 3; length <= 258; length++) {
  let i = LENGTH_BASE.length - 1;
  while (LENGTH_BASE[i]! > length) i--;
  const symbol = 257 + i;
  const [code, bits] = symbol < 280 ? [symbol - 256, 7] : [0xc0 + symbol - 280, 8];
  const extraBits = LENGTH_EXTRA[i]!;
  MATCH_CODE[length] = reverse(code, bits) | ((length - LENGTH_BASE[i]!) << bits); // then distance code 0: five 0 bits
  MATCH_BITS[length] = bits + extraBits + 5;
}

const ADLER_MOD = 65521;
/**
 * Between reductions a grows by at most 255 a byte and b by n·a a run: with b kept under 2^46 and
 * a canvas under MAX_BYTES, every sum stays an exact integer in a double (< 2^53).
 */
const ADLER_REDUCE_AT = 2 ** 46;
const MAX_BYTES = 2 ** 22;

/**
 * Runs of equal bytes into deflate codes, and their Adler-32. A class, not closures over `let`s:
 * V8 keeps an object's fields in place, and the closures' shared context cost ~3× the time.
 */
class RunWriter {
  out: Buffer;
  at = 0;
  private bitBuffer = 0;
  private bitCount = 0;
  private adlerA = 1;
  private adlerB = 0;
  private runValue = -1;
  private runLength = 0;

  constructor(out: Buffer) {
    this.out = out;
  }

  private put(code: number, bits: number): void {
    let buffer = this.bitBuffer | (code << this.bitCount);
    let count = this.bitCount + bits;
    while (count >= 8) {
      this.out[this.at++] = buffer & 255;
      buffer >>>= 8;
      count -= 8;
    }
    this.bitBuffer = buffer;
    this.bitCount = count;
  }

  /** `count` more bytes of `value`. */
  feed(value: number, count: number): void {
    if (value === this.runValue) this.runLength += count;
    else {
      this.flush();
      this.runValue = value;
      this.runLength = count;
    }
  }

  /** The run gathered so far: one literal, then matches at distance 1 (one more literal for a short rest). */
  private flush(): void {
    const v = this.runValue;
    const n = this.runLength;
    if (n === 0) return;
    // Summed exactly in doubles and reduced only now and then: a `%` on doubles is a call into C,
    // and reducing at every run took half the encoder's time.
    this.adlerB += n * this.adlerA + (v * n * (n + 1)) / 2;
    this.adlerA += n * v;
    if (this.adlerB > ADLER_REDUCE_AT) {
      this.adlerA %= ADLER_MOD;
      this.adlerB %= ADLER_MOD;
    }
    this.put(LITERAL_CODE[v]!, LITERAL_BITS[v]!);
    let rest = n - 1;
    while (rest >= 3) {
      const take = rest > 258 ? (rest - 258 < 3 ? rest - 3 : 258) : rest;
      this.put(MATCH_CODE[take]!, MATCH_BITS[take]!);
      rest -= take;
    }
    for (; rest > 0; rest--) this.put(LITERAL_CODE[v]!, LITERAL_BITS[v]!);
    this.runLength = 0;
  }

  start(): void {
    this.out[this.at++] = 0x78; // deflate, 32 KB window
    this.out[this.at++] = 0x01; // no dictionary, "fastest"; (0x78 << 8 | 0x01) % 31 === 0
    this.put(0b011, 3); // the final block, fixed Huffman codes
  }

  /** Ends the block and appends the checksum; the stream is out[0, at). */
  end(): void {
    this.flush();
    this.put(LITERAL_CODE[256]!, LITERAL_BITS[256]!);
    if (this.bitCount > 0) this.out[this.at++] = this.bitBuffer & 255;
    this.out.writeUInt32BE((this.adlerB % ADLER_MOD) * 65536 + (this.adlerA % ADLER_MOD), this.at);
    this.at += 4;
  }
}

/** Reused output, grown to the largest chart seen: the PNG copies what it needs out of it. */
let scratch = Buffer.alloc(0);

/** The canvas's rows as a zlib stream (RFC 1950) of one fixed-Huffman deflate block. */
function zlibStream({ width, height, rows, breaks, textBoxes }: Canvas): Buffer {
  if (rows.length > MAX_BYTES) throw new Error(`a ${width}×${height} canvas is larger than this encoder's checksum allows`);
  // Worst case: every byte a 9-bit literal.
  const bound = Math.ceil((rows.length * 9) / 8) + 16;
  if (scratch.length < bound) scratch = Buffer.alloc(bound);
  const writer = new RunWriter(scratch);
  writer.start();
  const stride = width + 1;
  const edges = Int32Array.from([...breaks, width]); // the last repeated: never read past the end
  // The text boxes that cross the current row, ascending by left edge: boxes enter and leave as
  // the rows go down (a few dozen events a chart, not a test per box and row).
  const byTop = [...textBoxes].sort((p, q) => p.y0 - q.y0);
  let entered = 0;
  let active: Canvas['textBoxes'] = [];
  for (let y = 0; y < height; y++) {
    const base = y * stride + 1;
    writer.feed(rows[base - 1]!, 1); // the filter byte
    let changed = false;
    while (entered < byTop.length && byTop[entered]!.y0 <= y) {
      active.push(byTop[entered++]!);
      changed = true;
    }
    if (active.some((b) => b.y1 <= y)) {
      active = active.filter((b) => b.y1 > y);
      changed = true;
    }
    if (changed) active.sort((p, q) => p.x0 - q.x0);
    let x = 0;
    let edge = 0;
    let box = 0;
    while (x < width) {
      if (box < active.length && x >= active[box]!.x0) {
        // Inside a text box: every pixel read.
        for (const end = base + Math.min(active[box]!.x1, width); base + x < end; ) {
          const value = rows[base + x]!;
          let next = base + x + 1;
          while (next < end && rows[next] === value) next++;
          writer.feed(value, next - base - x);
          x = next - base;
        }
        box++;
        continue;
      }
      while (edges[edge]! <= x) edge++;
      // Between two rectangle edges, before the next text box: one colour.
      const end = Math.min(edges[edge]!, box < active.length ? active[box]!.x0 : width);
      writer.feed(rows[base + x]!, end - x);
      x = end;
    }
  }
  writer.end();
  return scratch.subarray(0, writer.at);
}

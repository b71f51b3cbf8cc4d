/**
 * A PNG writer for the composed chart (8-bit palette, unfiltered rows), with its own deflate
 * encoder. Measured (bench, `BENCH_PROFILE=agent-png npm run bench:profile`): zlib's deflateSync at
 * level 1 spent ~370 µs of the agent's ~1.7 ms a chart, and its floor is the size of the input,
 * not the matching: 400 KB of zeros still took ~180 µs (its checksum and window copies, and a fresh
 * 256 KB state per call). A chart is a few rectangles and some text, and raster.ts knows where
 * each is, so this writer never reads most of the pixels: a row that no text box and no
 * rectangle's top or bottom edge crosses repeats the row above (one match at the row's distance);
 * in other rows, outside the text boxes, colour changes only at a rectangle's left or right edge,
 * so each span between edges is one run; inside a text box the pixels are read one by one. Runs
 * become matches at distance 1 (fixed Huffman codes, one block), and the Adler-32 checksum is
 * summed per row from its runs in closed form, so a repeated row reuses its sums. A chart is
 * fetched once and thrown away, so speed wins over size: the file is ~1.7× zlib's (~15 KB).
 */
import { crc32 } from 'node:zlib';
import type { Canvas } from './raster.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A chunk of `length` data bytes already at out[at + 8…]: its length, type and CRC around them. Returns the end. */
function frameChunk(out: Buffer, at: number, type: string, length: number): number {
  out.writeUInt32BE(length, at);
  out.write(type, at + 4, 'latin1');
  out.writeUInt32BE(crc32(out.subarray(at + 4, at + 8 + length)), at + 8 + length);
  return at + 12 + length;
}

/**
 * The whole file is written into one reused buffer (the deflate stream straight into its IDAT
 * chunk) and copied out once: no buffer per chunk, no concatenation.
 */
export function encodePng(canvas: Canvas): Buffer {
  const { width, height, rows, palette } = canvas;
  const out = scratchFor(8 + 25 + 12 + palette.length + 12 + zlibBound(rows.length) + 12);
  SIGNATURE.copy(out, 0);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.set([8, 3, 0, 0, 0], 24); // 8-bit palette indices, deflate, adaptive filtering, no interlace
  let at = frameChunk(out, 8, 'IHDR', 13);
  palette.copy(out, at + 8);
  at = frameChunk(out, at, 'PLTE', palette.length);
  at = frameChunk(out, at, 'IDAT', zlibStream(canvas, out, at + 8));
  at = frameChunk(out, at, 'IEND', 0);
  return Buffer.from(out.subarray(0, at));
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
const DISTANCE_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DISTANCE_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** For each match length 3–258, its length code and extra bits as one bit string. */
const LENGTH_CODE = new Uint32Array(259);
const LENGTH_BITS = new Uint8Array(259);
for (let length = 3; length <= 258; length++) {
  let i = LENGTH_BASE.length - 1;
  while (LENGTH_BASE[i]! > length) i--;
  const symbol = 257 + i;
  const [code, bits] = symbol < 280 ? [symbol - 256, 7] : [0xc0 + symbol - 280, 8];
  LENGTH_CODE[length] = reverse(code, bits) | ((length - LENGTH_BASE[i]!) << bits);
  LENGTH_BITS[length] = bits + LENGTH_EXTRA[i]!;
}
/** A distance's code and extra bits as one bit string: [code, bits]. Distance 1 is code 0, five 0 bits. */
function distanceCode(distance: number): [number, number] {
  let i = DISTANCE_BASE.length - 1;
  while (DISTANCE_BASE[i]! > distance) i--;
  return [reverse(i, 5) | ((distance - DISTANCE_BASE[i]!) << 5), 5 + DISTANCE_EXTRA[i]!];
}
/** The longest match deflate has, and the shortest. */
const MAX_MATCH = 258;
const MIN_MATCH = 3;

/** Runs of equal bytes, and whole repeated rows, into deflate codes. */
class RunWriter {
  out: Buffer;
  at = 0;
  private bitBuffer = 0;
  private bitCount = 0;
  private runValue = -1;
  private runLength = 0;
  constructor(out: Buffer, at: number) {
    this.out = out;
    this.at = at;
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

  /** Matches of `length` bytes in all at one distance (its code from distanceCode), each 3–258 long. */
  private matches(length: number, [code, bits]: [number, number]): void {
    for (let rest = length; rest > 0; ) {
      const take = rest > MAX_MATCH ? (rest - MAX_MATCH < MIN_MATCH ? rest - MIN_MATCH : MAX_MATCH) : rest;
      this.put(LENGTH_CODE[take]!, LENGTH_BITS[take]!);
      this.put(code, bits);
      rest -= take;
    }
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

  /** The `length` bytes before, again (a row the same as the row above). */
  repeat(length: number, distance: [number, number]): void {
    this.flush();
    this.runValue = -1;
    this.matches(length, distance);
  }

  /** The run gathered so far: one literal, then matches at distance 1 (literals for a short rest). */
  private flush(): void {
    const v = this.runValue;
    const n = this.runLength;
    if (n === 0) return;
    this.runLength = 0;
    this.put(LITERAL_CODE[v]!, LITERAL_BITS[v]!);
    let rest = n - 1;
    if (rest >= MIN_MATCH) {
      while (rest > 0) {
        const take = rest > MAX_MATCH ? (rest - MAX_MATCH < MIN_MATCH ? rest - MIN_MATCH : MAX_MATCH) : rest;
        // Distance 1 is code 0 with no extra bits: five 0 bits after the length, in the same put
        // (one put fewer a run: 8% of the encoder).
        this.put(LENGTH_CODE[take]!, LENGTH_BITS[take]! + 5);
        rest -= take;
      }
    } else for (; rest > 0; rest--) this.put(LITERAL_CODE[v]!, LITERAL_BITS[v]!);
  }

  start(): void {
    this.out[this.at++] = 0x78; // deflate, 32 KB window
    this.out[this.at++] = 0x01; // no dictionary, "fastest"; (0x78 << 8 | 0x01) % 31 === 0
    this.put(0b011, 3); // the final block, fixed Huffman codes
  }

  /** Ends the block and appends the checksum; the stream ends at out[at]. */
  end(checksum: number): void {
    this.flush();
    this.put(LITERAL_CODE[256]!, LITERAL_BITS[256]!);
    if (this.bitCount > 0) this.out[this.at++] = this.bitBuffer & 255;
    this.out.writeUInt32BE(checksum, this.at);
    this.at += 4;
  }
}

const ADLER_MOD = 65521;
/**
 * Adler-32 is summed in doubles, exactly, and reduced only now and then (a `%` on doubles is a
 * call into C): between reductions a grows by at most 255 a byte and b by a row's n·a + Σ(n−i)·v,
 * so with b kept under 2^46 and a canvas under MAX_BYTES every sum stays an integer below 2^53.
 */
const ADLER_REDUCE_AT = 2 ** 46;
const MAX_BYTES = 2 ** 22;
/** Σ(stride − i)·value over a row's bytes i = at … at + count − 1, all `value`: a span's share of Adler-32's b. */
const spanWeight = (value: number, at: number, count: number, stride: number): number => value * (count * stride - (count * (2 * at + count - 1)) / 2);

/** The reused output buffer, grown to the largest chart seen: encodePng copies the file out of it. */
let scratch = Buffer.alloc(0);
function scratchFor(size: number): Buffer {
  if (scratch.length < size) scratch = Buffer.alloc(size);
  return scratch;
}

/** The most a zlib stream of `bytes` bytes can take here: every byte a 9-bit literal, plus header and checksum. */
const zlibBound = (bytes: number): number => Math.ceil((bytes * 9) / 8) + 16;

/** The canvas's rows as a zlib stream (RFC 1950) of one fixed-Huffman deflate block, written at out[start…]; returns its length. */
function zlibStream({ width, height, rows, breaks, rowBreaks, textBoxes }: Canvas, out: Buffer, start: number): number {
  if (rows.length > MAX_BYTES) throw new Error(`a ${width}×${height} canvas is larger than this encoder's checksum allows`);
  const stride = width + 1;
  const writer = new RunWriter(out, start);
  writer.start();
  // A row repeated is a match one row back: deflate reaches 32 KB back at most.
  const canRepeat = stride <= 32768;
  const rowAbove = distanceCode(Math.min(stride, 32768));
  const edges = Int32Array.from([...breaks, width]); // the last repeated: never read past the end
  // Rows a text box crosses, and rows where a rectangle starts or ends.
  const textRow = new Uint8Array(height + 1);
  for (const box of textBoxes) textRow.fill(1, Math.max(0, box.y0), Math.min(height, box.y1));
  const edgeRow = new Uint8Array(height + 1);
  for (const y of rowBreaks) edgeRow[y] = 1;
  // The text boxes that cross the current row, ascending by left edge: boxes enter and leave as
  // the rows go down (a few dozen events a chart, not a test per box and row).
  const byTop = [...textBoxes].sort((p, q) => p.y0 - q.y0);
  let entered = 0;
  let active: Canvas['textBoxes'] = [];
  let [a, b] = [1, 0];
  // The current row's Adler sums, Σv and Σ(stride − i)·v over its bytes i (the filter byte is
  // i = 0). Plain locals, updated here and nowhere else: kept in an object or a closure, doubles
  // are boxed, and these updates were the encoder's hottest lines.
  let rowSum = 0;
  let rowWeighted = 0;
  for (let y = 0; y < height; y++) {
    let changed = false;
    while (entered < byTop.length && byTop[entered]!.y0 <= y) {
      active.push(byTop[entered++]!);
      changed = true;
    }
    if (active.some((box) => box.y1 <= y)) {
      active = active.filter((box) => box.y1 > y);
      changed = true;
    }
    if (changed) active.sort((p, q) => p.x0 - q.x0);

    if (y > 0 && canRepeat && !edgeRow[y] && !textRow[y] && !textRow[y - 1]) {
      writer.repeat(stride, rowAbove);
    } else {
      const base = y * stride;
      writer.feed(rows[base]!, 1); // the filter byte
      rowSum = rows[base]!;
      rowWeighted = rows[base]! * stride;
      let x = 0;
      let edge = 0;
      let box = 0;
      while (x < width) {
        if (box < active.length && x >= active[box]!.x0) {
          // Inside a text box: every pixel read.
          for (const end = Math.min(active[box]!.x1, width); x < end; ) {
            const value = rows[base + 1 + x]!;
            let next = x + 1;
            while (next < end && rows[base + 1 + next] === value) next++;
            writer.feed(value, next - x);
            rowSum += value * (next - x);
            rowWeighted += spanWeight(value, 1 + x, next - x, stride);
            x = next;
          }
          box++;
          continue;
        }
        while (edges[edge]! <= x) edge++;
        // Between two rectangle edges, before the next text box: one colour.
        const end = Math.min(edges[edge]!, box < active.length ? active[box]!.x0 : width);
        const value = rows[base + 1 + x]!;
        writer.feed(value, end - x);
        rowSum += value * (end - x);
        rowWeighted += spanWeight(value, 1 + x, end - x, stride);
        x = end;
      }
    }
    // A repeated row adds the same sums as the row above: rowSum and rowWeighted still hold them.
    b += stride * a + rowWeighted;
    a += rowSum;
    if (b > ADLER_REDUCE_AT) {
      a %= ADLER_MOD;
      b %= ADLER_MOD;
    }
  }
  writer.end((b % ADLER_MOD) * 65536 + (a % ADLER_MOD));
  return writer.at - start;
}

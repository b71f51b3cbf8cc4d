/**
 * The PNG of a Drawing, composed from cached rasters. Measured first (bench scenario 7): resvg
 * rasterising each chart's SVG whole, then writing the PNG, served 0.03× the charts per second of
 * the JSON data endpoint, far from the 20× of the Go agent the issue asks; rasterising ~200 glyph
 * outlines per chart was most of it, and deflating 1.2 MB of RGB most of the rest. So resvg
 * rasterises each glyph of the bundled font once per size (its covered pixels, cached; bounded by
 * the font's glyph count), and a chart is composed here in palette colours, one byte a pixel:
 * the background and bars are axis-aligned rectangles, the grid one-pixel lines (both snapped to
 * whole pixels), and each label the cached glyphs at whole-pixel positions, blended over what is
 * below in 8 steps of coverage.
 */
import { Resvg } from '@resvg/resvg-js';
import type { Drawing, TextShape } from './drawing.js';
import type { ChartFont } from './font.js';

/** A glyph's covered pixels only (most of its box is empty), relative to its origin on the baseline. */
interface Glyph {
  xs: Int16Array;
  ys: Int16Array;
  /** Coverage in 8 steps, 1–8. */
  levels: Uint8Array;
  /** The box of the covered pixels: left, right (exclusive), top, bottom (exclusive). */
  box: [number, number, number, number];
  /** ys·stride + xs for the canvas width last drawn on: one add a pixel where the glyph fits whole. */
  offsets?: { stride: number; at: Int32Array };
}

/** Palette indices, one row after another, each after its PNG filter byte (0: none). */
export interface Canvas {
  width: number;
  height: number;
  rows: Buffer;
  /** RGB triplets of the palette (PNG PLTE). */
  palette: Buffer;
  /**
   * Where what was drawn lets png.ts skip reading pixels: outside `textBoxes`, a row changes colour
   * only at one of `breaks` (rectangles' left and right edges, ascending, 0 and the width among
   * them), and differs from the row above only at one of `rowBreaks` (their top and bottom edges).
   */
  breaks: number[];
  rowBreaks: number[];
  textBoxes: { x0: number; x1: number; y0: number; y1: number }[];
}

const LEVELS = 8;
const WHITE = 0;
const MAX_COLOURS = 256;

const rgbOf = (hex: string): number[] => {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
};

/**
 * The colours of every chart: the drawings' few fills, plus text colours blended over them.
 * Shared by all charts; bounded by MAX_COLOURS (past it a blend takes the nearer of its two ends).
 */
function createPalette() {
  const colours: number[][] = [];
  const byHex = new Map<string, number>();
  const blends = new Int16Array(MAX_COLOURS * MAX_COLOURS * (LEVELS + 1)).fill(-1);
  let bytes = Buffer.alloc(0);
  const blendKey = (under: number, over: number, level: number): number => (over * MAX_COLOURS + under) * (LEVELS + 1) + level;
  const add = (rgb: number[]): number => {
    colours.push(rgb);
    return colours.length - 1;
  };
  return {
    solid(hex: string): number {
      let index = byHex.get(hex);
      if (index === undefined) {
        index = colours.length < MAX_COLOURS ? add(rgbOf(hex)) : 0;
        byHex.set(hex, index);
      }
      return index;
    },
    /**
     * The blends computed so far, -1 where not yet: drawText reads it inline and calls blend() on
     * a miss. By text colour first, so one label's lookups stay within a few hundred bytes (under
     * first, they scattered over its 1.2 MB and missed the cache: the hottest line in a profile).
     */
    blends,
    blendKey,
    blend(under: number, over: number, level: number): number {
      const key = blendKey(under, over, level);
      let index = blends[key]!;
      if (index < 0) {
        const [a, b] = [colours[under]!, colours[over]!];
        index = colours.length < MAX_COLOURS ? add(a.map((c, i) => Math.round(c + ((b[i]! - c) * level) / LEVELS))) : level * 2 >= LEVELS ? over : under;
        blends[key] = index;
      }
      return index;
    },
    bytes(): Buffer {
      if (bytes.length !== colours.length * 3) bytes = Buffer.from(colours.flat());
      return bytes;
    },
  };
}

const rowBytes = (width: number): number => width + 1;
const fillBytes = Uint8Array.prototype.fill;

/**
 * Canvases are reused: a fresh 400 KB buffer per chart kept V8's collector busy (22% of the
 * agent's CPU under load in a profile), since external memory counts toward its heap limits.
 * A canvas comes back as it was left; draw() paints every byte of it before use.
 */
function canvasPool() {
  const free = new Map<string, Buffer[]>();
  const MAX_FREE = 16;
  return {
    take(width: number, height: number): Buffer {
      return free.get(`${width}x${height}`)?.pop() ?? Buffer.allocUnsafeSlow(rowBytes(width) * height);
    },
    give(canvas: Canvas): void {
      const size = `${canvas.width}x${canvas.height}`;
      const list = free.get(size) ?? free.set(size, []).get(size)!;
      if (list.length < MAX_FREE) list.push(canvas.rows);
    },
  };
}

export function createRasterizer(font: ChartFont) {
  const glyphs = new Map<number, Glyph>();
  const palette = createPalette();
  const pool = canvasPool();
  if (palette.solid('#ffffff') !== WHITE) throw new Error('white must be the first colour');

  function glyph(id: number, size: number): Glyph {
    const key = id * 64 + size; // sizes are a few constants below 64
    let cached = glyphs.get(key);
    if (cached) return cached;
    // A box that holds any DejaVu glyph at this size (ascender 0.93 em, descender 0.24 em, some
    // overhang), the origin at (pad, baseline).
    const pad = Math.ceil(size * 0.25) + 1;
    const baseline = Math.ceil(size * 1.0) + 1;
    const width = Math.ceil(size * 1.6) + 2 * pad;
    const height = baseline + Math.ceil(size * 0.3) + 1;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><path transform="translate(${pad} ${baseline}) scale(${size / font.unitsPerEm})" d="${font.outline(id)}"/></svg>`;
    const pixels = new Resvg(svg, { font: { loadSystemFonts: false }, logLevel: 'off' }).render().pixels;
    const covered: number[] = [];
    for (let i = 0; i < width * height; i++) if (Math.round((pixels[i * 4 + 3]! * LEVELS) / 255) > 0) covered.push(i);
    const xs = Int16Array.from(covered, (i) => (i % width) - pad);
    const ys = Int16Array.from(covered, (i) => Math.floor(i / width) - baseline);
    cached = {
      xs,
      ys,
      levels: Uint8Array.from(covered, (i) => Math.round((pixels[i * 4 + 3]! * LEVELS) / 255)),
      box: covered.length ? [Math.min(...xs), Math.max(...xs) + 1, Math.min(...ys), Math.max(...ys) + 1] : [0, 0, 0, 0],
    };
    glyphs.set(key, cached);
    return cached;
  }

  function fillRect(canvas: Canvas, x0: number, y0: number, x1: number, y1: number, colour: number): void {
    const left = Math.max(0, Math.round(x0));
    const right = Math.min(canvas.width, Math.round(x1));
    const top = Math.max(0, Math.round(y0));
    const bottom = Math.min(canvas.height, Math.round(y1));
    if (left >= right || top >= bottom) return;
    canvas.breaks.push(left, right);
    canvas.rowBreaks.push(top, bottom);
    const stride = rowBytes(canvas.width);
    // A full-width rectangle (the background) as one fill over its rows' filter bytes too: draw()
    // writes those last. Other rows through TypedArray's fill, not Buffer's, which validates its
    // arguments in JavaScript first (`_fill`: ~38 µs a chart over ~1,700 calls in a profile).
    if (left === 0 && right === canvas.width) fillBytes.call(canvas.rows, colour, top * stride, bottom * stride);
    else for (let y = top; y < bottom; y++) fillBytes.call(canvas.rows, colour, y * stride + 1 + left, y * stride + 1 + right);
  }

  function drawText(canvas: Canvas, shape: TextShape): void {
    const run = font.run(shape.text);
    const scale = shape.size / font.unitsPerEm;
    const width = run.width * scale;
    const start = shape.anchor === 'start' ? shape.x : shape.anchor === 'middle' ? shape.x - width / 2 : shape.x - width;
    const baseline = Math.round(shape.y);
    const colour = palette.solid(shape.fill);
    const { rows, width: canvasWidth, height: canvasHeight } = canvas;
    const stride = rowBytes(canvasWidth);
    const box = { x0: canvasWidth, x1: 0, y0: canvasHeight, y1: 0 };
    const { blends } = palette;
    const colourKey = palette.blendKey(0, colour, 0);
    for (const placed of run.glyphs) {
      const cached = glyph(placed.id, shape.size);
      const { xs, ys, levels, box: glyphBox } = cached;
      const originX = Math.round(start + placed.x * scale);
      if (levels.length === 0) continue;
      const [left, right, top, bottom] = [originX + glyphBox[0], originX + glyphBox[1], baseline + glyphBox[2], baseline + glyphBox[3]];
      box.x0 = Math.min(box.x0, left);
      box.x1 = Math.max(box.x1, right);
      box.y0 = Math.min(box.y0, top);
      box.y1 = Math.max(box.y1, bottom);
      if (left >= 0 && right <= canvasWidth && top >= 0 && bottom <= canvasHeight) {
        // The whole glyph on the canvas (nearly always): no bounds per pixel, the blend read inline.
        if (cached.offsets?.stride !== stride) cached.offsets = { stride, at: Int32Array.from(xs, (x, i) => ys[i]! * stride + x) };
        const offsets = cached.offsets.at;
        const origin = baseline * stride + 1 + originX;
        for (let i = 0; i < offsets.length; i++) {
          const at = origin + offsets[i]!;
          const under = rows[at]!;
          const level = levels[i]!;
          const known = blends[colourKey + under * (LEVELS + 1) + level]!;
          rows[at] = known >= 0 ? known : palette.blend(under, colour, level);
        }
        continue;
      }
      for (let i = 0; i < levels.length; i++) {
        const x = originX + xs[i]!;
        const y = baseline + ys[i]!;
        if (x < 0 || x >= canvasWidth || y < 0 || y >= canvasHeight) continue;
        const at = y * stride + 1 + x;
        rows[at] = palette.blend(rows[at]!, colour, levels[i]!);
      }
    }
    if (box.x0 < box.x1) canvas.textBoxes.push(box);
  }

  return {
    /** The drawing's pixels; shapes are painted in order, as in the SVG. */
    draw(drawing: Drawing): Canvas {
      const { width, height } = drawing;
      const canvas: Canvas = { width, height, rows: pool.take(width, height), palette: Buffer.alloc(0), breaks: [0, width], rowBreaks: [], textBoxes: [] };
      // Every byte painted once: the filter bytes 0, and white unless the first shape covers the
      // canvas anyway (both drawings start with their background; a second pass over 400 KB
      // showed in the profile).
      const [first] = drawing.shapes;
      const covered = first?.kind === 'rect' && first.x <= 0 && first.y <= 0 && first.x + first.width >= width && first.y + first.height >= height;
      if (!covered) canvas.rows.fill(WHITE);
      for (const shape of drawing.shapes) {
        if (shape.kind === 'rect') fillRect(canvas, shape.x, shape.y, shape.x + shape.width, shape.y + shape.height, palette.solid(shape.fill));
        else if (shape.kind === 'line') {
          // Only the grid's horizontal and vertical lines, one pixel wide.
          const [x0, x1] = [Math.min(shape.x1, shape.x2), Math.max(shape.x1, shape.x2)];
          const [y0, y1] = [Math.min(shape.y1, shape.y2), Math.max(shape.y1, shape.y2)];
          fillRect(canvas, x0, y0, Math.max(x1, x0 + 1), Math.max(y1, y0 + 1), palette.solid(shape.stroke));
        } else drawText(canvas, shape);
      }
      // The filter bytes last: a full-width rectangle paints over them (no shape reads them).
      for (let y = 0; y < height; y++) canvas.rows[y * rowBytes(width)] = 0;
      canvas.palette = palette.bytes();
      canvas.breaks = [...new Set(canvas.breaks)].sort((a, b) => a - b);
      return canvas;
    },
    /** Hands a canvas back once its PNG is written. */
    release: (canvas: Canvas): void => pool.give(canvas),
  };
}

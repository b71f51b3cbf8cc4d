/**
 * The one font of the server-rendered charts: DejaVu Sans (Bitstream Vera licence, free to
 * redistribute; from the npm package dejavu-fonts-ttf, copied with its LICENSE into
 * dist/monitor-agent/fonts/ by the build). The distroless image has no system fonts, so the
 * agent measures and draws text with this file alone.
 * Layout is done here, glyph by glyph, rather than by resvg's <text>: resvg shapes every <text>
 * with the full OpenType tables, about 2 ms per label here (measured).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import opentype, { type Font, type Glyph } from 'opentype.js';

export const FONT_FAMILY = 'DejaVu Sans';

function fontPath(): string {
  const built = fileURLToPath(new URL('../fonts/DejaVuSans.ttf', import.meta.url));
  // From the sources (unit tests), the dev dependency itself.
  return existsSync(built) ? built : createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
}

interface GlyphRun {
  /** Glyph ids and their x offsets (in font units) from the start of the run. */
  glyphs: { id: number; x: number }[];
  /** Width in font units. */
  width: number;
}

export interface ChartFont {
  unitsPerEm: number;
  /** Width of a text in pixels at a font size. */
  width(text: string, size: number): number;
  run(text: string): GlyphRun;
  /** The outline of a glyph in font units (y down), as SVG path data. */
  outline(id: number): string;
}

export function loadChartFont(): ChartFont {
  const bytes = readFileSync(fontPath());
  // lowMemory: glyphs are parsed when first used, not all ~6,000 at start (−40 MB RSS, measured).
  const font: Font = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, { lowMemory: true });
  const glyphsByChar = new Map<string, Glyph>();
  const glyphsById = new Map<number, Glyph>();
  const outlines = new Map<number, string>();
  const glyphOf = (char: string): Glyph => {
    let glyph = glyphsByChar.get(char);
    if (!glyph) {
      glyph = font.charToGlyph(char);
      // Bounded by the font: at most one entry per glyph it has (~6,000), whatever the input.
      if (glyphsById.has(glyph.index)) glyph = glyphsById.get(glyph.index)!;
      else glyphsById.set(glyph.index, glyph);
      if (glyphsByChar.size < 20_000) glyphsByChar.set(char, glyph);
    }
    return glyph;
  };
  // Laid out glyph by glyph with kerning; opentype.js's own layout applies GSUB features and
  // throws on some of DejaVu's (chart labels need no ligatures).
  const run = (text: string): GlyphRun => {
    const glyphs: GlyphRun['glyphs'] = [];
    let x = 0;
    let previous: Glyph | undefined;
    for (const char of text) {
      const glyph = glyphOf(char);
      if (previous) x += font.getKerningValue(previous, glyph);
      glyphs.push({ id: glyph.index, x });
      x += glyph.advanceWidth ?? 0;
      previous = glyph;
    }
    return { glyphs, width: x };
  };
  return {
    unitsPerEm: font.unitsPerEm,
    run,
    width: (text, size) => (run(text).width * size) / font.unitsPerEm,
    outline(id) {
      let d = outlines.get(id);
      if (d === undefined) {
        d = glyphsById.get(id)?.getPath(0, 0, font.unitsPerEm).toPathData(0) ?? '';
        outlines.set(id, d);
      }
      return d;
    },
  };
}

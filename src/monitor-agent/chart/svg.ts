/**
 * A Drawing as an SVG document. Every string from upstream (app, domain, host) goes through
 * xmlText: markup and quotes are escaped, and the control characters XML 1.0 cannot carry at all
 * become U+FFFD, so a hostile host stays inert text. Labels are <text> elements: selectable,
 * searchable, the title readable as text. (The PNG is composed from the same Drawing by raster.ts.)
 */
import type { Drawing, TextShape } from './drawing.js';
import { FONT_FAMILY } from './font.js';

// Tab, line feed and carriage return are allowed by XML, but in a one-line label they are noise.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const xmlText = (value: string): string => value.replace(UNSAFE_CHARS, '\ufffd').replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const num = (value: number): string => String(Math.round(value * 10) / 10);

function header(drawing: Drawing): string {
  const title = xmlText(drawing.title);
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${drawing.width}" height="${drawing.height}" viewBox="0 0 ${drawing.width} ${drawing.height}" role="img" aria-label="${title}"><title>${title}</title>`;
}

function shapesSvg(drawing: Drawing, textSvg: (shape: TextShape) => string): string {
  let out = '';
  for (const shape of drawing.shapes) {
    if (shape.kind === 'rect') out += `<rect x="${num(shape.x)}" y="${num(shape.y)}" width="${num(shape.width)}" height="${num(shape.height)}" fill="${shape.fill}"/>`;
    else if (shape.kind === 'line') out += `<line x1="${num(shape.x1)}" y1="${num(shape.y1)}" x2="${num(shape.x2)}" y2="${num(shape.y2)}" stroke="${shape.stroke}"/>`;
    else out += textSvg(shape);
  }
  return out;
}

/** The SVG with <text>: DejaVu Sans where the viewer has it, its sans-serif otherwise. */
export function svgWithText(drawing: Drawing): string {
  const body = shapesSvg(drawing, (t) => `<text x="${num(t.x)}" y="${num(t.y)}" font-size="${t.size}" text-anchor="${t.anchor}" fill="${t.fill}">${xmlText(t.text)}</text>`);
  return `${header(drawing)}<g font-family="${FONT_FAMILY}, Verdana, sans-serif">${body}</g></svg>`;
}

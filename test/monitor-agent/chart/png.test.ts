/**
 * The hand-written deflate encoder: zlib (which checks the Adler-32 too) must inflate every chart's
 * IDAT back to exactly the rows raster.ts composed, whatever the values, labels and text boxes.
 */
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { barChart, errorChart } from '../../../src/monitor-agent/chart/bar-chart.js';
import { loadChartFont } from '../../../src/monitor-agent/chart/font.js';
import { encodePng } from '../../../src/monitor-agent/chart/png.js';
import { createRasterizer } from '../../../src/monitor-agent/chart/raster.js';
import type { Sample } from '../../../src/monitor-agent/sample-reader.js';

const font = loadChartFont();
const rasterizer = createRasterizer(font);

function idat(png: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    if (png.toString('latin1', offset + 4, offset + 8) === 'IDAT') parts.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  return Buffer.concat(parts);
}

/** The filter bytes of a canvas's rows, as a set: [0] when every row is unfiltered, as png.ts declares. */
const filterBytes = ({ rows, width, height }: { rows: Buffer; width: number; height: number }) => [...new Set(Array.from({ length: height }, (_, y) => rows[y * (width + 1)]))];

/** A pseudo-random sample (fixed seed), large and small values, some fields absent. */
function sample(seed: number): Sample {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const scale = 10 ** Math.floor(next() * 7);
  return {
    app_name: `app-${seed}`,
    domain: next() < 0.5 ? '' : 'a-rather-long-domain-name.example.com',
    host: next() < 0.3 ? '' : `host-${seed}`,
    timestamp: seed,
    performance_index: {
      failRatio: next(),
      failAmount: Math.floor(next() * scale),
      accessAmount: Math.floor(next() * scale * 10),
      maxConcurrent: Math.floor(next() * 500),
      maxLatency: next() < 0.2 ? undefined : next() * 900,
      minLatency: next() * 10,
      avgLatency: next() * 100,
    },
  } as Sample;
}

describe('encodePng', () => {
  it('writes IDAT that zlib inflates, checksum and all, to the composed rows of 300 different charts', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const canvas = rasterizer.draw(barChart(sample(seed), font.width));
      const png = encodePng(canvas);
      expect(inflateSync(idat(png)).equals(canvas.rows), `seed ${seed}`).toBe(true);
      expect(filterBytes(canvas), `seed ${seed}`).toEqual([0]);
      rasterizer.release(canvas);
    }
  });

  it('does the same for error images, with text running off the canvas', () => {
    for (const message of ['', 'x', 'upstream answered 502 '.repeat(20)]) {
      const canvas = rasterizer.draw(errorChart(502, message, font.width));
      expect(inflateSync(idat(encodePng(canvas))).equals(canvas.rows)).toBe(true);
      // Their background is not palette index 0, and its one fill runs over the filter bytes.
      expect(filterBytes(canvas)).toEqual([0]);
      rasterizer.release(canvas);
    }
  });

  it('reads every pixel inside overlapping text boxes, and only rectangle edges outside them', () => {
    const canvas = rasterizer.draw(barChart(sample(7), font.width));
    // Paint pixels the boxes and breaks do not declare: the encoder must not see them...
    const rows = Buffer.from(canvas.rows);
    canvas.rows[(canvas.width + 1) * 200 + 1 + 300] = 1;
    expect(inflateSync(idat(encodePng(canvas))).equals(rows)).toBe(true);
    // ...until a box (overlapping another) covers them.
    canvas.textBoxes.push({ x0: 290, x1: 310, y0: 195, y1: 205 }, { x0: 295, x1: 320, y0: 199, y1: 201 });
    expect(inflateSync(idat(encodePng(canvas))).equals(canvas.rows)).toBe(true);
  });
});

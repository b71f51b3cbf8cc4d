/**
 * Everything that draws a chart, loaded together on the first chart request (chart-responder.ts
 * imports this module lazily): opentype.js and the font cost the agent's start-up ~0.3 s and
 * ~25 MB that an agent serving only the page never needs.
 */
import { barChart, errorChart } from './bar-chart.js';
import type { Drawing } from './drawing.js';
import { loadChartFont } from './font.js';
import { encodePng } from './png.js';
import { createRasterizer } from './raster.js';
import { svgWithText } from './svg.js';
import type { Sample } from '../sample-reader.js';

export function createChartRendering() {
  const font = loadChartFont();
  const rasterizer = createRasterizer(font);
  return {
    barChart: (sample: Sample): Drawing => barChart(sample, font.width),
    errorChart: (status: number, message: string): Drawing => errorChart(status, message, font.width),
    svg: svgWithText,
    png(drawing: Drawing): Buffer {
      const canvas = rasterizer.draw(drawing);
      try {
        return encodePng(canvas);
      } finally {
        rasterizer.release(canvas);
      }
    },
  };
}

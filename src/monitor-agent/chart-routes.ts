/**
 * The server-rendered chart for clients without JavaScript: `chart.png` and `chart.svg` under
 * every base, and the PNG answered at the page URLs to clients whose Accept prefers an image over
 * HTML (an <img src>, `curl -H 'Accept: image/png'`), as the seed's Go agent answered there.
 */
import type { Context } from 'koa';
import { STATUS_CODES } from 'node:http';
import { statusOf } from '../shared/http/errors.js';
import type { Logger } from '../shared/logger.js';
import { barChart, errorChart } from './chart/bar-chart.js';
import type { Drawing } from './chart/drawing.js';
import { loadChartFont, type ChartFont } from './chart/font.js';
import { encodePng } from './chart/png.js';
import { createRasterizer } from './chart/raster.js';
import { svgWithText } from './chart/svg.js';
import type { Sample } from './sample-reader.js';

export type ChartFormat = 'png' | 'svg';

const MEDIA_TYPES: Record<ChartFormat, string> = { png: 'image/png', svg: 'image/svg+xml' };

// Whether a page URL answers with the PNG: when the client's Accept ranks image/png above
// text/html (by q, then specificity, then its own order), as an <img> request's
// "image/avif,...,image/*,*/*;q=0.8" and "Accept: image/png" do. Browsers list text/html first
// for navigations; "*/*" alone (curl's default) ties, and ties go to the page. The SVG has its own
// URL only: Chromium's <img> Accept names image/svg+xml explicitly, and the seed answered PNG.
export const prefersImage = (ctx: Context): boolean => ctx.accepts('text/html', 'image/png') === 'image/png';

export interface ChartRenderer {
  send(ctx: Context, format: ChartFormat, sample: () => Promise<Sample>): Promise<void>;
}

export function chartRenderer(logger: Logger): ChartRenderer {
  // Parsed on the first chart, not at start-up: most agents only ever serve the page.
  let font: ChartFont | undefined;
  let rasterizer: ReturnType<typeof createRasterizer> | undefined;
  const chartFont = () => (font ??= loadChartFont());

  function body(format: ChartFormat, drawing: Drawing): string | Buffer {
    if (format === 'svg') return svgWithText(drawing);
    rasterizer ??= createRasterizer(chartFont());
    const canvas = rasterizer.draw(drawing);
    try {
      return encodePng(canvas);
    } finally {
      rasterizer.release(canvas);
    }
  }

  return {
    async send(ctx, format, sample) {
      ctx.set('Cache-Control', 'no-store');
      ctx.vary('Accept');
      let drawing: Drawing;
      try {
        drawing = barChart(await sample(), chartFont().width);
      } catch (error) {
        // A client that asked for JSON gets the usual { error, message } from the error handler.
        if (ctx.accepts(MEDIA_TYPES[format], 'application/json') === 'application/json') throw error;
        const status = statusOf(error);
        const { expose, message } = error as { expose?: unknown; message?: unknown };
        if (status >= 500) logger.error({ err: error, status }, 'chart failed');
        const safeMessage = expose === true && typeof message === 'string' ? message : (STATUS_CODES[status] ?? 'Error');
        ctx.status = status;
        drawing = errorChart(status, safeMessage, chartFont().width);
      }
      ctx.type = MEDIA_TYPES[format];
      ctx.body = body(format, drawing);
    },
  };
}

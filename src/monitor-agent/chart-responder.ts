/**
 * The server-rendered chart for clients without JavaScript: `chart.png` and `chart.svg` under
 * every base, and the PNG answered at the page URLs to clients whose Accept prefers an image over
 * HTML (an <img src>, `curl -H 'Accept: image/png'`), as the seed's Go agent answered there.
 */
import type { Context } from 'koa';
import { clientMessage } from '../shared/http/error-body.js';
import { statusOf } from '../shared/http/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Drawing } from './chart/drawing.js';
import type { createChartRendering } from './chart/render.js';
import type { Sample } from './sample-reader.js';

type ChartFormat = 'png' | 'svg';

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
  let rendering: Promise<ReturnType<typeof createChartRendering>> | undefined;
  const load = () => (rendering ??= import('./chart/render.js').then((m) => m.createChartRendering()));

  return {
    async send(ctx, format, sample) {
      ctx.set('Cache-Control', 'no-store');
      ctx.vary('Accept');
      const chart = await load();
      let drawing: Drawing;
      try {
        drawing = chart.barChart(await sample());
      } catch (error) {
        // A client that asked for JSON gets the usual { error, message } from the error handler.
        if (ctx.accepts(MEDIA_TYPES[format], 'application/json') === 'application/json') throw error;
        const status = statusOf(error);
        if (status >= 500) logger.error({ err: error, status }, 'chart failed');
        ctx.status = status;
        drawing = chart.errorChart(status, clientMessage(error, status));
      }
      ctx.type = MEDIA_TYPES[format];
      ctx.body = format === 'svg' ? chart.svg(drawing) : chart.png(drawing);
    },
  };
}

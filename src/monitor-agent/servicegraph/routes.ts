import type Router from '@koa/router';
import type { Context } from 'koa';
import type { StaticFiles } from '../../shared/http/static-files.js';
import { toDot } from './dot.js';
import type { GraphQuery, ServiceGraphSource } from './graph.js';

/** A Prometheus range: a positive count and one unit, e.g. 30s, 5m, 1h. */
const HORIZON = /^[1-9]\d{0,5}(ms|s|m|h|d|w)$/;

function graphQuery(ctx: Context): GraphQuery {
  const { time_horizon: horizon = '5m', filter_empty: filterEmpty = 'false' } = ctx.query;
  if (typeof horizon !== 'string' || !HORIZON.test(horizon)) ctx.throw(400, 'time_horizon must be a Prometheus duration such as 30s, 5m or 1h');
  if (filterEmpty !== 'true' && filterEmpty !== 'false') ctx.throw(400, 'filter_empty must be true or false');
  return { timeHorizon: horizon as string, filterEmpty: filterEmpty === 'true' };
}

/**
 * The successor of Istio's servicegraph addon, served by the agent under each page base:
 * `servicegraph` (a browser view), `servicegraph/graph` (the addon's JSON) and
 * `servicegraph/dotgraph` (Graphviz DOT), with the addon's `time_horizon` and `filter_empty`.
 */
export function addServiceGraphRoutes(router: Router, base: string, source: ServiceGraphSource | undefined, staticFiles: StaticFiles): void {
  const graph = async (ctx: Context) => {
    const query = graphQuery(ctx);
    // A 5xx whose message is ours and safe: expose it, as UpstreamError does.
    if (!source) ctx.throw(503, 'the service graph needs PROMETHEUS_URL', { expose: true });
    ctx.set('Cache-Control', 'no-store');
    return source.graph(query);
  };
  router.get(`${base}/servicegraph`, (ctx) => staticFiles.send(ctx, 'servicegraph.html'));
  router.get(`${base}/servicegraph/graph`, async (ctx) => {
    const { from, ...body } = await graph(ctx);
    ctx.set('X-Graph-Source', from);
    ctx.body = body;
  });
  router.get(`${base}/servicegraph/dotgraph`, async (ctx) => {
    ctx.body = toDot(await graph(ctx));
    ctx.type = 'text/vnd.graphviz';
  });
}

// Scenario 4 (and, preloaded with stock-otel.mjs, scenario 3): the same JSON as monitor-test's
// GET /metrics from the same simulation, in a bare Koa app — no telemetry, no logs, no probes.
// BENCH_SPANS picks one way of making the SERVER span, each with the same histogram observation
// and no access log, to compare the two span makers alone:
// - `hand`: this project's serverTelemetry middleware (preload dist/monitor-test/instrumentation.js);
// - `library`: @opentelemetry/instrumentation-http (preload stock-http-otel.mjs) plus a middleware
//   that names the span by route through the SDK's public RPC metadata, as koa instrumentation does.
import Koa from 'koa';
import Router from '@koa/router';
import { hostname } from 'node:os';
import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { createSimulation } from '../dist/monitor-test/simulation.js';
import { matchedRoute, UNMATCHED_ROUTE } from '../dist/shared/http/route.js';
import { serverTelemetry } from '../dist/shared/telemetry/http-server.js';
import { createServiceMetrics, methodLabel, observeDuration } from '../dist/shared/telemetry/metrics.js';
import { sampledTraceIds } from '../dist/shared/telemetry/trace-ids.js';

const apps = [{ name: 'test-app', domain: 'test-domain' }];
const simulation = createSimulation(apps);
const router = new Router();
router.get('/metrics', (ctx) => {
  ctx.body = { performance_index: simulation.sample('test-app'), host: hostname(), app_name: 'test-app', domain: 'test-domain' };
});
router.get('/readyz', (ctx) => {
  ctx.body = { status: 'ready' };
});
const app = new Koa();
const metrics = createServiceMetrics();
if (process.env.BENCH_SPANS === 'hand') app.use(serverTelemetry(metrics, undefined));
if (process.env.BENCH_SPANS === 'library') {
  app.use(async function nameRouteAndObserve(ctx, next) {
    const start = performance.now();
    try {
      await next();
    } finally {
      const route = matchedRoute(ctx);
      const rpc = getRPCMetadata(context.active());
      if (route && rpc?.type === RPCType.HTTP) rpc.route = route;
      const span = trace.getActiveSpan();
      observeDuration(
        metrics.httpServerDuration,
        { http_request_method: methodLabel(ctx.method), http_route: route ?? UNMATCHED_ROUTE, http_response_status_code: ctx.status },
        (performance.now() - start) / 1000,
        sampledTraceIds(span),
      );
    }
  });
}
app.use(router.routes());
app.listen(Number(process.env.PORT), '127.0.0.1');
// An orderly exit on SIGTERM, so that a --cpu-prof run (npm run bench:profile) writes its profile.
process.on('SIGTERM', () => process.exit(0));

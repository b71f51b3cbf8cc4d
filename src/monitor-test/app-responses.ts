/**
 * monitor-test's answers per simulated app, `monitor_test_app_responses_total{app_name,
 * http_response_status_code}`: the request histogram is labelled by route, which is the same for
 * every app, so a fault on one app (POST /faults with `app`) shows here and nowhere else. Only the
 * configured apps are counted (APPS, at most 100): a name that is not one is a 404 under no app,
 * so the series stay bounded whatever clients ask for.
 */
import type { Middleware } from 'koa';
import { Counter, type Registry, type RegistryContentType } from 'prom-client';

/** Counts each answer of the routes it wraps under the app `appOf` names. */
export function appResponseCounter(registry: Registry<RegistryContentType>, apps: readonly string[], appOf: (ctx: Parameters<Middleware>[0]) => string): Middleware {
  const known = new Set(apps);
  const counter = new Counter({
    name: 'monitor_test_app_responses_total',
    help: 'Answers of GET /metrics and /metrics/{appname} per simulated app and status code.',
    labelNames: ['app_name', 'http_response_status_code'] as const,
    registers: [registry],
  });
  // Each app's 200 and 500 series exist from the first scrape, so a per-app error ratio is 0,
  // not absent, until something fails.
  for (const app of known) for (const code of ['200', '500']) counter.labels(app, code).inc(0);
  return async function countAppResponse(ctx, next) {
    let status = 500;
    try {
      await next();
      status = ctx.status;
    } catch (error) {
      status = (error as { status?: number }).status ?? 500;
      throw error;
    } finally {
      const app = appOf(ctx);
      if (known.has(app)) counter.labels(app, String(status)).inc();
    }
  };
}

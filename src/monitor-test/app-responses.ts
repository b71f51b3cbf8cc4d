/**
 * monitor-test's answers per simulated app, `monitor_test_app_responses_total{app_name,
 * http_response_status_code}`: the request histogram is labelled by route, which is the same for
 * every app, so a fault on one app (POST /faults with `app`) shows here and nowhere else. Only the
 * configured apps are counted (APPS, at most 100): a name that is not one is a 404 under no app,
 * so the series stay bounded whatever clients ask for.
 */
import type { Context } from 'koa';
import { Counter, type Registry, type RegistryContentType } from 'prom-client';
import type { ResponseObserver } from '../shared/telemetry/http-server.js';

/**
 * Counts each answer of the given routes under the app `appOf` names. An observer the request's
 * telemetry calls with the route and final status, not a middleware of its own: one async layer
 * less on the hottest route (bench/, docs/performance.md).
 */
export function appResponseCounter(registry: Registry<RegistryContentType>, apps: readonly string[], routes: readonly string[], appOf: (ctx: Context) => string): ResponseObserver {
  const counted = new Set(routes);
  const counter = new Counter({
    name: 'monitor_test_app_responses_total',
    help: 'Answers of GET /metrics and /metrics/{appname} per simulated app and status code.',
    labelNames: ['app_name', 'http_response_status_code'] as const,
    registers: [registry],
  });
  // Each app's series by status, looked up rather than labelled per answer; bounded by the apps
  // (at most 100) times the statuses answered. The 200 and 500 series exist from the first
  // scrape, so a per-app error ratio is 0, not absent, until something fails.
  const series = new Map(apps.map((app) => [app, new Map<number, Counter.Internal>()]));
  const seriesOf = (app: string, status: number): Counter.Internal | undefined => {
    const byStatus = series.get(app);
    if (!byStatus) return undefined;
    const known = byStatus.get(status);
    if (known) return known;
    const child = counter.labels(app, String(status));
    byStatus.set(status, child);
    return child;
  };
  for (const app of apps) for (const status of [200, 500]) seriesOf(app, status)?.inc(0);
  return (ctx, route, status) => {
    if (route !== undefined && counted.has(route)) seriesOf(appOf(ctx), status)?.inc();
  };
}

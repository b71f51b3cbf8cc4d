import Router from '@koa/router';
import type Koa from 'koa';
import { APP_NAME_RULE, isAppName, openapi, type Metric } from '../shared/api/metric.js';
import type { Logger } from '../shared/logger.js';
import { buildKoaApp } from '../shared/http/koa-app.js';
import { usePagePolicy } from '../shared/http/security-headers.js';
import type { Readiness } from '../shared/http/probes.js';
import type { StaticFiles } from '../shared/http/static-files.js';
import type { ServiceMetrics } from '../shared/telemetry/metrics.js';
import type { VersionInfo } from '../shared/version-info.js';
import { renderApiPage } from './api-page.js';
import { appResponseCounter } from './app-responses.js';
import type { Faults } from './faults.js';
import { registerSimulatedMetrics } from './simulated-metrics.js';
import type { MonitorTestConfig } from './config.js';
import type { Simulation } from './simulation.js';

export interface MonitorTestDeps {
  logger: Logger;
  readiness: Readiness;
  simulation: Simulation;
  staticFiles: StaticFiles;
  metrics: ServiceMetrics;
  version: VersionInfo;
  /** The faults in force, set at start-up by FAULT_* and at run time on the admin port's /faults. */
  faults: Faults;
}

/** The seed's two metric routes; their answers are counted per app (app-responses.ts). */
const DEFAULT_APP_ROUTE = '/metrics';
const APP_ROUTE = '/metrics/:appname';

export function createApp(config: MonitorTestConfig, deps: MonitorTestDeps): Koa {
  const { simulation, staticFiles } = deps;
  const defaultApp = config.apps[0]!;
  const domains = new Map(config.apps.map((app) => [app.name, app.domain]));
  const apiPage = renderApiPage();
  registerSimulatedMetrics(deps.metrics.registry, simulation);

  const metricOf = (appName: string): Metric | undefined => {
    const performance = simulation.sample(appName);
    const domain = domains.get(appName);
    return performance && domain !== undefined ? { performance_index: performance, host: config.hostname, app_name: appName, domain } : undefined;
  };

  const router = new Router({ strict: true });
  // Faults apply to the metric routes only, per app: the default app's on /metrics.
  const appOf = (ctx: Parameters<Koa.Middleware>[0]): string => ctx.params.appname ?? defaultApp.name;
  const maybeFail = deps.faults.middleware(appOf);
  const countApp = appResponseCounter(
    deps.metrics.registry,
    config.apps.map((app) => app.name),
    [DEFAULT_APP_ROUTE, APP_ROUTE],
    appOf,
  );
  router.get(DEFAULT_APP_ROUTE, maybeFail, (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = metricOf(defaultApp.name);
  });
  router.get('/metrics/', (ctx) => {
    ctx.throw(400, 'app name must not be empty');
  });
  router.get(APP_ROUTE, maybeFail, (ctx) => {
    const name = ctx.params.appname ?? '';
    if (!isAppName(name)) ctx.throw(400, `app name must be ${APP_NAME_RULE}`);
    const metric = metricOf(name);
    if (!metric) ctx.throw(404, `no app named ${name}`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = metric;
  });
  // Not in the seed's API: lets the agent offer every app (documented in openapi.json).
  const appList = { apps: config.apps.map(({ name, domain }) => ({ name, domain })) };
  router.get('/apps', (ctx) => {
    ctx.body = appList;
  });
  router.get('/openapi.json', (ctx) => {
    ctx.body = openapi;
  });
  router.get('/api.html', (ctx) => {
    ctx.type = 'html';
    usePagePolicy(ctx);
    ctx.body = apiPage;
  });
  router.get('/api.css', (ctx) => staticFiles.send(ctx, 'api.css'));

  return buildKoaApp({ ...deps, router, accessLog: config.accessLog, onResponse: countApp });
}

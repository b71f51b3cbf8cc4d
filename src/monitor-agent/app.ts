import Router from '@koa/router';
import type Koa from 'koa';
import type { Context } from 'koa';
import type { Logger } from '../shared/logger.js';
import { buildKoaApp } from '../shared/http/koa-app.js';
import type { Readiness } from '../shared/http/probes.js';
import type { StaticFiles } from '../shared/http/static-files.js';
import { inboundSampledTraceId, sampledTraceId } from '../shared/telemetry/trace-ids.js';
import type { ServiceMetrics } from '../shared/telemetry/metrics.js';
import type { VersionInfo } from '../shared/version-info.js';
import { forwardedHeaders } from '../shared/telemetry/propagation.js';
import { withoutCredentials } from './url-credentials.js';
import type { MonitorAgentConfig } from './config.js';
import { appParam } from './app-param.js';
import { chartRenderer, prefersImage } from './chart-responder.js';
import type { ServiceGraphSource } from './servicegraph/graph.js';
import { addServiceGraphRoutes } from './servicegraph/routes.js';
import type { UpstreamClient } from './upstream.js';

export interface MonitorAgentDeps {
  logger: Logger;
  readiness: Readiness;
  upstream: UpstreamClient;
  staticFiles: StaticFiles;
  metrics: ServiceMetrics;
  version: VersionInfo;
  /** The service graph's source, when PROMETHEUS_URL is set; main.ts makes it and closes it. */
  serviceGraph?: ServiceGraphSource | undefined;
}

/**
 * Where the chart page lives: `/`, the seed's Ingress path, and the URL the seed's compose step
 * opened. Traefik forwards the Ingress path unstripped, so everything the page loads (data,
 * scripts) is served under each of these bases too.
 */
const PAGE_BASES = ['', '/k8s-app-monitor-agent', '/k8s-app-monitor-test'] as const;

const PLOTLY_MAX_AGE_SECONDS = 24 * 60 * 60;

/**
 * Zipkin's UI (`<server>/zipkin/`) as a directory URL, so `traces/…` resolves under any path.
 * ZIPKIN_UI_URL may name the server (`http://zipkin:9411`) or the UI itself, as a browser shows it
 * (`http://zipkin:9411/zipkin/`): either gives the same link.
 */
const zipkinUiRoot = (url: URL): URL => {
  // The link goes to browsers: never with the credentials the setting may carry.
  const { href } = withoutCredentials(url);
  const directory = new URL(href.endsWith('/') ? href : `${href}/`);
  return directory.pathname.endsWith('/zipkin/') ? directory : new URL('zipkin/', directory);
};

export function createApp(config: MonitorAgentConfig, deps: MonitorAgentDeps): Koa {
  const { upstream, staticFiles } = deps;
  const traceUrlBase = config.zipkinUiUrl && zipkinUiRoot(config.zipkinUiUrl);
  const router = new Router({ strict: true });
  const charts = chartRenderer(deps.logger);

  /** One sample of `?app=` (monitor-test's default app without it), fetched inside a CLIENT span. */
  const sampleFor = (ctx: Context) => () => upstream.fetchMetric(forwardedHeaders(ctx.headers), appParam(ctx));

  for (const base of PAGE_BASES) {
    if (base !== '') {
      // The page's URLs are relative, so it must be loaded from a path ending in '/': send
      // `/k8s-app-monitor-agent` to `/k8s-app-monitor-agent/`. The Location is relative too,
      // so the redirect stays correct behind any prefix a proxy strips.
      router.get(base, (ctx) => {
        if (prefersImage(ctx)) return charts.send(ctx, 'png', sampleFor(ctx));
        ctx.vary('Accept');
        ctx.status = 308;
        ctx.set('Location', `${base.slice(base.lastIndexOf('/') + 1)}/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
        ctx.body = { redirect: `${base}/` };
      });
    }
    router.get(`${base}/`, (ctx) => {
      if (prefersImage(ctx)) return charts.send(ctx, 'png', sampleFor(ctx));
      ctx.vary('Accept');
      return staticFiles.send(ctx, 'index.html');
    });
    router.get(`${base}/chart.png`, (ctx) => charts.send(ctx, 'png', sampleFor(ctx)));
    router.get(`${base}/chart.svg`, (ctx) => charts.send(ctx, 'svg', sampleFor(ctx)));
    router.get(`${base}/api/apps`, async (ctx) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { apps: await upstream.fetchApps(forwardedHeaders(ctx.headers)) };
    });
    router.get(`${base}/api/metrics`, async (ctx) => {
      ctx.set('Cache-Control', 'no-store');
      // The sample's trace in Zipkin: agent SERVER span → CLIENT span → monitor-test SERVER span,
      // or, with no tracer here, the sidecars' spans of the trace the request came in with.
      const traceId = sampledTraceId() ?? inboundSampledTraceId(ctx.headers);
      if (traceUrlBase && traceId) ctx.set('X-Trace-Url', new URL(`traces/${traceId}`, traceUrlBase).href);
      ctx.body = await sampleFor(ctx)();
    });
    router.get(`${base}/assets/vendor/plotly.js`, (ctx) => staticFiles.send(ctx, 'vendor/plotly.js', { maxAgeSeconds: PLOTLY_MAX_AGE_SECONDS }));
    router.get(`${base}/assets/:file`, (ctx) => staticFiles.send(ctx, ctx.params.file ?? ''));
    addServiceGraphRoutes(router, base, deps.serviceGraph, staticFiles);
  }

  return buildKoaApp({ ...deps, router, accessLog: config.accessLog });
}

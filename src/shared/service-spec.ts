import type { RequestListener } from 'node:http';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { CommonConfig } from './config.js';
import type { Readiness } from './http/probes.js';
import type { Logger } from './logger.js';
import type { ServiceSpec } from './main.js';
import { metricsEndpoint } from './telemetry/exposition.js';
import type { ServiceMetrics } from './telemetry/metrics.js';
import { shutdownTracing } from './telemetry/tracing-shutdown.js';
import { reportTelemetryWarningsTo } from './telemetry/warnings.js';

/**
 * What both main.ts files hand to runService: the public listener, the admin listener serving
 * `/metrics` on METRICS_PORT, and the shutdown work that runs once in-flight requests have
 * finished — the service's own (`release`), then the span flush (not before the drain, or the
 * spans of those requests would be lost).
 */
export function serviceSpec(parts: {
  config: CommonConfig;
  logger: Logger;
  readiness: Readiness;
  metrics: ServiceMetrics;
  port: number;
  handler: RequestListener;
  release?: () => void;
}): ServiceSpec {
  const { config, logger, metrics } = parts;
  // Exports run on timers started inside some request; log outside it, not under its trace id.
  reportTelemetryWarningsTo((message, fields) => context.with(ROOT_CONTEXT, () => logger.warn(fields, message)));
  return {
    config,
    logger,
    readiness: parts.readiness,
    listeners: [
      { name: 'http', port: parts.port, handler: parts.handler },
      {
        name: 'metrics',
        port: config.metricsPort,
        handler: metricsEndpoint(metrics.registry, (err) => logger.error({ err }, 'collecting metrics failed')),
      },
    ],
    afterDrain: async () => {
      parts.release?.();
      await shutdownTracing();
    },
  };
}

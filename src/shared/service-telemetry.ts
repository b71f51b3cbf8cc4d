import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Logger } from './logger.js';
import { metricsEndpoint } from './telemetry/exposition.js';
import type { ServiceMetrics } from './telemetry/metrics.js';
import { reportTelemetryWarningsTo, shutdownTracing } from './telemetry/tracing.js';

/**
 * What main.ts needs of telemetry: the admin listener serving `/metrics` on METRICS_PORT, and the
 * flush of pending spans that runs once in-flight requests have finished (not before, or the
 * spans of those requests would be lost).
 */
export function telemetryParts(metrics: ServiceMetrics, logger: Logger, metricsPort: number) {
  // Exports run on timers started inside some request; log outside it, not under its trace id.
  reportTelemetryWarningsTo((message, fields) => context.with(ROOT_CONTEXT, () => logger.warn(fields, message)));
  return {
    listener: {
      name: 'metrics',
      port: metricsPort,
      handler: metricsEndpoint(metrics.registry, (err) => logger.error({ err }, 'collecting metrics failed')),
    },
    afterDrain: shutdownTracing,
  };
}

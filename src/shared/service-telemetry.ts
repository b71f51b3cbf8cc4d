import { context, ROOT_CONTEXT, trace, type ProxyTracerProvider } from '@opentelemetry/api';
import type { Logger } from './logger.js';
import { metricsEndpoint } from './telemetry/exposition.js';
import type { ServiceMetrics } from './telemetry/metrics.js';
import { reportTelemetryWarningsTo } from './telemetry/warnings.js';

/**
 * Exports the spans still queued and stops the tracer provider the preload registered (a no-op
 * when tracing is off). Reached through @opentelemetry/api, so the app never imports the SDK.
 */
async function shutdownTracing(): Promise<void> {
  const provider = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as { shutdown?: () => Promise<void> };
  await provider.shutdown?.();
}

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

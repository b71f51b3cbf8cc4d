import { fileURLToPath } from 'node:url';
import { createLogger } from '../shared/logger.js';
import { runService } from '../shared/run-service.js';
import { Readiness } from '../shared/http/probes.js';
import { loadStaticFiles } from '../shared/http/static-files.js';
import { clientDurationHistogram, createServiceMetrics } from '../shared/telemetry/metrics.js';
import { createApp } from './app.js';
import { readMonitorAgentConfig } from './config.js';
import { createUpstreamClient } from './upstream.js';
import { redactedUrl } from '../shared/url-credentials.js';

await runService(() => {
  const config = readMonitorAgentConfig(process.env);
  const logger = createLogger({ name: 'k8s-app-monitor-agent', level: config.logLevel });
  const readiness = new Readiness();
  const metrics = createServiceMetrics();
  const upstream = createUpstreamClient({ baseUrl: config.upstreamUrl, timeoutMs: config.upstreamTimeoutMs, duration: clientDurationHistogram(metrics.registry) });
  const app = createApp(config, {
    logger,
    readiness,
    metrics,
    upstream,
    staticFiles: loadStaticFiles(fileURLToPath(new URL('./public/', import.meta.url))),
  });
  logger.info(
    { upstream: redactedUrl(config.upstreamUrl), prometheus: config.prometheusUrl && redactedUrl(config.prometheusUrl), zipkin_ui: config.zipkinUiUrl && redactedUrl(config.zipkinUiUrl) },
    'reading samples from the upstream',
  );
  return { config, logger, readiness, metrics, port: config.port, handler: app.callback(), release: () => upstream.close() };
});

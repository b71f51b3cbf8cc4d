import { fileURLToPath } from 'node:url';
import { loadStaticFiles } from '../shared/http/static-files.js';
import { runService } from '../shared/run-service.js';
import { clientDurationHistogram } from '../shared/telemetry/metrics.js';
import { redactedUrl } from './url-credentials.js';
import { createApp } from './app.js';
import { readMonitorAgentConfig } from './config.js';
import { serviceGraphFromConfig } from './servicegraph/graph.js';
import { createUpstreamClient } from './upstream.js';

await runService({
  name: 'k8s-app-monitor-agent',
  readConfig: readMonitorAgentConfig,
  createApp: (config, parts) => {
    // Both clients count their calls in the same client histogram, and both are closed after the drain.
    const duration = clientDurationHistogram(parts.metrics.registry);
    const upstream = createUpstreamClient({ baseUrl: config.upstreamUrl, timeoutMs: config.upstreamTimeoutMs, duration });
    const serviceGraph = serviceGraphFromConfig(config, duration);
    const app = createApp(config, { ...parts, upstream, serviceGraph, staticFiles: loadStaticFiles(fileURLToPath(new URL('./public/', import.meta.url))) });
    parts.logger.info(
      { upstream: redactedUrl(config.upstreamUrl), prometheus: config.prometheusUrl && redactedUrl(config.prometheusUrl), zipkin_ui: config.zipkinUiUrl && redactedUrl(config.zipkinUiUrl) },
      'reading samples from the upstream',
    );
    return {
      handler: app.callback(),
      release: () => {
        upstream.close();
        serviceGraph?.close();
      },
    };
  },
});

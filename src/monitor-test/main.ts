import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../shared/logger.js';
import { runService } from '../shared/run-service.js';
import { Readiness } from '../shared/http/probes.js';
import { loadStaticFiles } from '../shared/http/static-files.js';
import { createServiceMetrics } from '../shared/telemetry/metrics.js';
import { createApp } from './app.js';
import { readMonitorTestConfig } from './config.js';
import { createSimulation } from './simulation.js';

await runService(() => {
  const config = readMonitorTestConfig(process.env, hostname());
  const logger = createLogger({ name: 'k8s-app-monitor-test', level: config.logLevel });
  const readiness = new Readiness();
  const metrics = createServiceMetrics();
  const app = createApp(config, {
    logger,
    readiness,
    metrics,
    simulation: createSimulation(config.apps),
    staticFiles: loadStaticFiles(fileURLToPath(new URL('./public/', import.meta.url))),
  });
  return { config, logger, readiness, metrics, port: config.port, handler: app.callback() };
});

// Preloaded with `node --import` so tracing is registered before the app is imported.
import { startTracing } from '../shared/telemetry/tracing.js';

startTracing('k8s-app-monitor-test');

// Preloaded by node --import (src/shared/node-command.ts): tracing before the app.
import { preloadTracing } from '../shared/telemetry/preload.js';

await preloadTracing('k8s-app-monitor-agent');

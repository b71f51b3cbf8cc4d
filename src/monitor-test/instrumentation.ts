// Preloaded with `node --import` so tracing is registered before the app is imported. The
// Node.js version is checked first, and the SDK imported only after it (a static import would
// load the SDK before the check could run).
import { exitUnlessSupportedNode } from '../shared/node-version.js';

exitUnlessSupportedNode();
const { startTracing } = await import('../shared/telemetry/tracing.js');
startTracing('k8s-app-monitor-test');

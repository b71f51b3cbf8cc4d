/**
 * What each service's instrumentation.ts does, preloaded with `node --import` so tracing is
 * registered before the app is imported. The Node.js version is checked first, and the SDK
 * imported only after it (a static import would load the SDK before the check could run), and
 * only when enabled.
 */
import { exitUnlessSupportedNode } from '../node-version.js';

export async function preloadTracing(serviceName: string): Promise<void> {
  exitUnlessSupportedNode();
  // OTEL_SDK_DISABLED=true (as the mesh-telemetry overlay runs the services): the SDK is not even
  // loaded; its modules held ~2–3 MB of a process at rest that never used them. Read here by hand
  // as the OpenTelemetry SDKs read a boolean ("true" in any case is true, anything else false),
  // not with @opentelemetry/core's getBooleanFromEnv: importing core (and what it loads) to ask
  // kept ~2 MB of that (measured: 85.5–86.2 MB at rest with only the pipeline left unloaded).
  if (process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return;
  const { startTracing } = await import('./tracing.js');
  await startTracing(serviceName);
}

/**
 * What each service's instrumentation.ts does, preloaded with `node --import` so tracing is
 * registered before the app is imported. The Node.js version is checked first, and the SDK
 * imported only after it (a static import would load the SDK before the check could run).
 */
import { exitUnlessSupportedNode } from '../node-version.js';

export async function preloadTracing(serviceName: string): Promise<void> {
  exitUnlessSupportedNode();
  const { startTracing } = await import('./tracing.js');
  await startTracing(serviceName);
}

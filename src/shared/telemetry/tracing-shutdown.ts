/**
 * How the app flushes and stops the tracer provider without importing the SDK: tracing.ts (the
 * preload) registers NodeSDK's public `shutdown()` here, and the service calls it after the drain.
 * Both import this one file, and a process loads an ES module once per URL, so they share it.
 * A no-op until registered (tracing off, or unit tests).
 */
let shutdown: () => Promise<void> = async () => {};

export function onTracingShutdown(run: () => Promise<void>): void {
  shutdown = run;
}

export const shutdownTracing = (): Promise<void> => shutdown();

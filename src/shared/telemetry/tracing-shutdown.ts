/**
 * The hand-over between the tracing preload and the app: tracing.ts registers NodeSDK's public
 * shutdown() here, and the service calls shutdownTracing() after its drain. Both import this
 * same file (same URL, one module instance), so the app never imports the SDK itself. It
 * replaces reaching through the API's ProxyTracerProvider.getDelegate(), deprecated in
 * @opentelemetry/api 1.10 and gone in its next major.
 */
let shutdown: (() => Promise<void>) | undefined;

export function onTracingShutdown(fn: () => Promise<void>): void {
  shutdown = fn;
}

/** Exports the spans still queued and stops the SDK (a no-op when tracing is off). */
export async function shutdownTracing(): Promise<void> {
  await shutdown?.();
}

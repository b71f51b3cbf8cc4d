/**
 * An in-process span receiver for unit tests (the system tests use a real Zipkin): a tracer
 * provider that keeps finished spans in memory, with the same context manager and propagators
 * (W3C + B3 multi-header) the services register through NodeSDK.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { beforeEach } from 'vitest';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

function installInMemoryTracing(): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  // Registered once per test file (vitest isolates files). Not disable()d first: that would
  // orphan tracers the app modules already obtained from the API's proxy provider.
  const registered = [
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] })),
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()),
  ];
  if (registered.includes(false)) throw new Error('OpenTelemetry globals were already registered in this test file');
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator(), new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER })],
    }),
  );
  return exporter;
}

/** For a test file: the in-memory receiver, emptied before each test. */
export function useInMemoryTracing(): InMemorySpanExporter {
  const exporter = installInMemoryTracing();
  beforeEach(() => exporter.reset());
  return exporter;
}

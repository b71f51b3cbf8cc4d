/**
 * The trace pipeline this project ships, built from the SDK's parts: a TracerProvider with the
 * sampler and span limits of the OTEL_* environment, a BatchSpanProcessor (OTEL_BSP_*) feeding
 * the Zipkin exporter (OTEL_EXPORTER_ZIPKIN_ENDPOINT), the AsyncLocalStorage context manager and
 * the propagators of OTEL_PROPAGATORS. It reads those variables as NodeSDK 0.301 does
 * (create-from-env and utils in @opentelemetry/sdk-node), for the configurations `fromParts`
 * accepts; tracing.ts hands every other one to NodeSDK itself.
 *
 * Why not NodeSDK always: importing it loads every exporter it could build (OTLP over gRPC,
 * HTTP and protobuf for traces, metrics and logs, Prometheus) and the logs and metrics SDKs:
 * monitor-test at rest was 89 MB with it and is 82 MB without, and the import alone took ~65 ms
 * more, for code a service exporting to Zipkin never runs (docs/performance.md).
 */
import { context, DiagConsoleLogger, diag, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, diagLogLevelFromString, getNumberFromEnv, getStringFromEnv, getStringListFromEnv, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { detectResources, envDetector, type Resource } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, type Sampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';

const PROPAGATORS: Record<string, () => TextMapPropagator> = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
  b3: () => new B3Propagator(),
  b3multi: () => new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
};

const unique = (name: string): string[] => [...new Set(getStringListFromEnv(name) ?? [])];

/**
 * Whether this pipeline covers the environment: traces to Zipkin or nowhere, no OTel metrics or
 * logs, the env resource detector, and propagators it knows. Anything else goes to NodeSDK.
 */
export function coversEnvironment(): boolean {
  const exporters = unique('OTEL_TRACES_EXPORTER').filter((name) => name !== 'null');
  const tracesOk = exporters.length === 1 && (exporters[0] === 'zipkin' || exporters[0] === 'none');
  const othersOff = getStringFromEnv('OTEL_METRICS_EXPORTER') === 'none' && getStringFromEnv('OTEL_LOGS_EXPORTER') === 'none';
  const propagatorsOk = unique('OTEL_PROPAGATORS').every((name) => name === 'none' || name in PROPAGATORS);
  return tracesOk && othersOff && propagatorsOk && getStringFromEnv('OTEL_NODE_RESOURCE_DETECTORS') === 'env';
}

const DEFAULT_RATIO = 1;

function samplerRatio(): number {
  const ratio = getNumberFromEnv('OTEL_TRACES_SAMPLER_ARG');
  if (ratio === undefined || ratio < 0 || ratio > 1) {
    diag.error(`OTEL_TRACES_SAMPLER_ARG ${ratio === undefined ? 'is blank' : `=${ratio} is out of range ([0..1])`}, defaulting to ${DEFAULT_RATIO}.`);
    return DEFAULT_RATIO;
  }
  return ratio;
}

/** OTEL_TRACES_SAMPLER; undefined is the TracerProvider's default (parentbased_always_on). */
function samplerFromEnv(): Sampler | undefined {
  const name = getStringFromEnv('OTEL_TRACES_SAMPLER');
  switch (name) {
    case undefined:
      return undefined;
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(samplerRatio());
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(samplerRatio()) });
    default:
      diag.error(`unknown OTEL_TRACES_SAMPLER value "${name}", using default`);
      return undefined;
  }
}

/** A number above 0, else undefined (the SDK's default), as NodeSDK reads the OTEL_BSP_* settings. */
function positiveFromEnv(name: string): number | undefined {
  const value = getNumberFromEnv(name);
  if (value !== undefined && value <= 0) {
    diag.warn(`${name} (${value}) is invalid, expected number greater than 0, using default.`);
    return undefined;
  }
  return value;
}

function propagatorFromEnv(): TextMapPropagator | null {
  const names = unique('OTEL_PROPAGATORS');
  if (names.length === 0) return new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
  if (names.includes('none')) return null;
  const propagators = names.map((name) => PROPAGATORS[name]!());
  return propagators.length === 1 ? propagators[0]! : new CompositePropagator({ propagators });
}

/** Registers the pipeline with @opentelemetry/api; the returned function flushes and shuts it down. */
export function startTracePipeline(baseResource: Resource): () => Promise<void> {
  const logLevel = getStringFromEnv('OTEL_LOG_LEVEL');
  if (logLevel !== undefined) diag.setLogger(new DiagConsoleLogger(), { logLevel: diagLogLevelFromString(logLevel) });

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const propagator = propagatorFromEnv();
  if (propagator) propagation.setGlobalPropagator(propagator);

  if (unique('OTEL_TRACES_EXPORTER').includes('none')) return async () => {};
  const provider = new TracerProvider({
    sampler: samplerFromEnv(),
    spanLimits: {
      attributeCountLimit: getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ?? getNumberFromEnv('OTEL_ATTRIBUTE_COUNT_LIMIT'),
      attributeValueLengthLimit: getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? getNumberFromEnv('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
      eventCountLimit: getNumberFromEnv('OTEL_SPAN_EVENT_COUNT_LIMIT'),
      linkCountLimit: getNumberFromEnv('OTEL_SPAN_LINK_COUNT_LIMIT'),
      attributePerEventCountLimit: getNumberFromEnv('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT') ?? getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT'),
      attributePerLinkCountLimit: getNumberFromEnv('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT') ?? getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT'),
    },
    // As NodeSDK: the given resource, then what the env detector reads (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) over it.
    resource: baseResource.merge(detectResources({ detectors: [envDetector] })),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new ZipkinExporter(),
        maxQueueSize: positiveFromEnv('OTEL_BSP_MAX_QUEUE_SIZE'),
        scheduledDelayMillis: positiveFromEnv('OTEL_BSP_SCHEDULE_DELAY'),
        exportTimeoutMillis: positiveFromEnv('OTEL_BSP_EXPORT_TIMEOUT'),
        maxExportBatchSize: positiveFromEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  return () => provider.shutdown();
}

/**
 * The OpenTelemetry SDK, started before the app by each service's instrumentation.ts
 * (`node --import ./dist/<service>/instrumentation.js …`) so the tracer provider, context
 * manager and propagators are registered before any request arrives.
 *
 * Configuration is the standard OTEL_* environment. This project's own set-up (traces to Zipkin or
 * nowhere, no OTel metrics or logs) is built from the SDK's parts by trace-pipeline.ts, which reads
 * those variables as NodeSDK does; any other (OTLP, console, other detectors or propagators) is
 * handed to @opentelemetry/sdk-node's NodeSDK, imported only then. This file sets this project's
 * defaults for variables the user did not set:
 * - OTEL_SERVICE_NAME: the service's own name;
 * - OTEL_TRACES_EXPORTER=zipkin (OTEL_EXPORTER_ZIPKIN_ENDPOINT defaults to localhost:9411);
 *   `otlp`, `console` and `none` work as in any OpenTelemetry SDK;
 * - OTEL_PROPAGATORS=tracecontext,baggage,b3multi: W3C plus the B3 headers Envoy/Istio use;
 * - OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER=none: metrics are prom-client's, logs pino's; left
 *   on, NodeSDK would push OTLP to a collector that is not there and flood ECONNREFUSED.
 * - OTEL_NODE_RESOURCE_DETECTORS=env: Zipkin has no resource, so the exporter copies every resource
 *   attribute into every span's tags. NodeSDK's default detectors add fourteen (process.command_args,
 *   host.id, …), doubling each span's size and its serialisation cost; this keeps service.name,
 *   service.version, host.name (the pod's name in Kubernetes) and what OTEL_RESOURCE_ATTRIBUTES adds.
 *   `all` brings the others back.
 * - OTEL_BSP_MAX_EXPORT_BATCH_SIZE=128 (the SDK's default is 512): under load a span waits in the
 *   batch queue until a batch is full, and the longer it waits the more of them live through V8's
 *   young-generation collections and get promoted. 512 → 256 took peak RSS 160 → 116 MB and p99
 *   14.2 → 7.7 ms on Node 20; 256 → 128 took 17–39 MB more off the peak on Node 24 at unchanged
 *   CPU per request (two paired runs of 15 rounds; docs/performance.md).
 *
 * No instrumentation monkey-patches http or koa: the SERVER and CLIENT spans are made by
 * http-server.ts and http-client.ts through @opentelemetry/api: on the same bare Koa,
 * instrumentation-http 0.301 costs 1.6–1.9× their CPU per request (bench/, docs/performance.md).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { orExitOnConfigError, readHttpUrl } from '../config.js';
import { coversEnvironment, startTracePipeline } from './trace-pipeline.js';
import { onTracingShutdown } from './tracing-shutdown.js';
import { reportExportFailure } from './warnings.js';

const packageVersion = (): string => (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * The resource every span carries. service.version is the build: APP_VERSION, baked into the
 * image by CI as the short git SHA it tags the image with (the pods' version label is that tag),
 * else package.json's version (a local run).
 */
export function serviceResource(env: NodeJS.ProcessEnv, host = hostname()): Resource {
  return resourceFromAttributes({ 'service.version': env.APP_VERSION?.trim() || packageVersion(), 'host.name': host });
}

export async function startTracing(defaultServiceName: string): Promise<void> {
  const env = process.env;
  env.OTEL_SERVICE_NAME ||= defaultServiceName;
  env.OTEL_TRACES_EXPORTER ||= 'zipkin';
  env.OTEL_PROPAGATORS ||= 'tracecontext,baggage,b3multi';
  env.OTEL_METRICS_EXPORTER ||= 'none';
  env.OTEL_LOGS_EXPORTER ||= 'none';
  env.OTEL_NODE_RESOURCE_DETECTORS ||= 'env';
  env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE ||= '128';

  // The exporter would throw a bare TypeError (and a stack) on an endpoint that is no URL, and fail
  // every export unreported on one that is not http: a bad setting, so one line and exit 78.
  if (env.OTEL_TRACES_EXPORTER.split(',').some((name) => name.trim() === 'zipkin')) orExitOnConfigError(() => readHttpUrl(env, 'OTEL_EXPORTER_ZIPKIN_ENDPOINT'));
  setGlobalErrorHandler(reportExportFailure);
  // OTEL_RESOURCE_ATTRIBUTES still wins: both merge the env detector over this resource.
  const resource = serviceResource(env);
  if (coversEnvironment()) {
    onTracingShutdown(startTracePipeline(resource));
    return;
  }
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({ resource, instrumentations: [] });
  sdk.start();
  onTracingShutdown(() => sdk.shutdown());
}

// Scenario 3b: the stock set-up a user who knows OpenTelemetry would pick for this app — NodeSDK
// with the Zipkin exporter and @opentelemetry/instrumentation-http alone (no koa or other
// instrumentations), loaded with the ESM hook. bare-koa.mjs adds the route-naming middleware
// (BENCH_SPANS=library). The SDK settings are this project's (tracing.ts: env resource detector,
// batches of 128), so that against BENCH_SPANS=hand the only difference is who makes the span.
import { register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
process.env.OTEL_NODE_RESOURCE_DETECTORS ||= 'env';
process.env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE ||= '128';
process.env.OTEL_PROPAGATORS ||= 'tracecontext,baggage,b3multi';
const { NodeSDK } = await import('@opentelemetry/sdk-node');
const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
const { ZipkinExporter } = await import('@opentelemetry/exporter-zipkin');
new NodeSDK({ serviceName: 'bare-koa-instrumentation-http', traceExporter: new ZipkinExporter(), instrumentations: [new HttpInstrumentation()] }).start();

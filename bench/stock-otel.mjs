// Scenario 3: what a user would otherwise pick — NodeSDK with the Zipkin exporter and
// @opentelemetry/auto-instrumentations-node at its defaults, loaded with the ESM hook so http and
// koa are patched. (Metrics and logs exporters are set to none by the benchmark, as for ours,
// so neither side pays for an OTLP exporter that has nowhere to send.)
import { register } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
const { NodeSDK } = await import('@opentelemetry/sdk-node');
const { getNodeAutoInstrumentations } = await import('@opentelemetry/auto-instrumentations-node');
const { ZipkinExporter } = await import('@opentelemetry/exporter-zipkin');
new NodeSDK({ serviceName: 'bare-koa-stock-otel', traceExporter: new ZipkinExporter(), instrumentations: [getNodeAutoInstrumentations()] }).start();

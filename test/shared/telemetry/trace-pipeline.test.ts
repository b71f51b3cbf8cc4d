/**
 * Which configurations the trace pipeline built from the SDK's parts takes, and that it is what
 * runs by default: the services start without loading NodeSDK and its exporters, and hand any
 * other configuration (OTLP here) to NodeSDK. Spans through both paths are checked end to end by
 * test/system/observability.test.ts (Zipkin) and test/system/otlp.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { coversEnvironment } from '../../../src/shared/telemetry/trace-pipeline.js';
import { ROOT } from '../../helpers/paths.js';

const DEFAULTS = { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_PROPAGATORS: 'tracecontext,baggage,b3multi', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', OTEL_NODE_RESOURCE_DETECTORS: 'env' };
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('the trace pipeline built from parts', () => {
  it.each([
    [{}, true],
    [{ OTEL_TRACES_EXPORTER: 'none' }, true],
    [{ OTEL_TRACES_EXPORTER: 'zipkin, zipkin' }, true],
    [{ OTEL_PROPAGATORS: 'b3' }, true],
    [{ OTEL_PROPAGATORS: 'none' }, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, false],
    [{ OTEL_TRACES_EXPORTER: 'zipkin,console' }, false],
    [{ OTEL_METRICS_EXPORTER: 'otlp' }, false],
    [{ OTEL_LOGS_EXPORTER: 'console' }, false],
    [{ OTEL_NODE_RESOURCE_DETECTORS: 'all' }, false],
    [{ OTEL_PROPAGATORS: 'tracecontext,jaeger' }, false],
  ])('covers %j over the defaults: %s', (overrides, covered) => {
    Object.assign(process.env, DEFAULTS, overrides);
    expect(coversEnvironment()).toBe(covered);
  });

  /** The @opentelemetry packages a service's tracing start-up resolves, under the given environment. */
  function packagesLoaded(env: Record<string, string>): string[] {
    const script = `
      import { registerHooks } from 'node:module';
      const seen = new Set();
      registerHooks({ resolve(specifier, context, next) { seen.add(specifier); return next(specifier, context); } });
      const { startTracing } = await import('./dist/shared/telemetry/tracing.js');
      await startTracing('probe');
      console.log(JSON.stringify([...seen].filter((s) => s.startsWith('@opentelemetry/')).sort()));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', ...env },
    });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as string[];
  }

  it('is what a service starts by default: NodeSDK and its OTLP exporters are never loaded', () => {
    const loaded = packagesLoaded({});
    expect(loaded).toEqual(expect.arrayContaining(['@opentelemetry/sdk-trace', '@opentelemetry/exporter-zipkin']));
    expect(loaded.filter((name) => name.includes('sdk-node') || name.includes('otlp'))).toEqual([]);
  });

  it('hands OTEL_TRACES_EXPORTER=otlp to NodeSDK', () => {
    expect(packagesLoaded({ OTEL_TRACES_EXPORTER: 'otlp' })).toContain('@opentelemetry/sdk-node');
  });
});

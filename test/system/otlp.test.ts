/**
 * OTEL_TRACES_EXPORTER=otlp, the migration path off the deprecated Zipkin exporter
 * (docs/observability.md): the real services, with their preload, send their spans over OTLP/HTTP
 * to a receiver this test runs on loopback, in both of the SDK's HTTP encodings. The JSON one is
 * read span by span; the protobuf one (the SDK's default) by the trace id's bytes and the names.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startMonitorAgent, startMonitorTest, stopAll } from '../helpers/processes.js';

afterAll(stopAll);

interface Export {
  contentType: string;
  body: Buffer;
}

/** An OTLP/HTTP trace receiver: keeps each POST /v1/traces, answers 200 with an empty response. */
async function startReceiver(): Promise<{ endpoint: string; exports: Export[]; close(): void }> {
  const exports: Export[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method === 'POST' && req.url === '/v1/traces') exports.push({ contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
    const json = req.headers['content-type'] === 'application/json';
    res.writeHead(req.url === '/v1/traces' ? 200 : 404, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exports, close: () => server.close() };
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface JsonSpan {
  traceId: string;
  name: string;
  kind: number;
}
const jsonSpans = (exports: Export[]) =>
  exports.flatMap((e) =>
    (JSON.parse(e.body.toString()) as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: JsonSpan[] }[] }[] }).resourceSpans.flatMap(
      (rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ ...span, service: rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue }))),
    ),
  );

describe('traces over OTLP/HTTP', () => {
  it.each(['http/json', 'http/protobuf'])(
    'sends one trace through agent and test with OTEL_EXPORTER_OTLP_PROTOCOL=%s',
    async (protocol) => {
      const receiver = await startReceiver();
      try {
        const env = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_BSP_SCHEDULE_DELAY: '200' };
        const test = await startMonitorTest(env);
        const agent = await startMonitorAgent(test.port, env);
        const res = await fetch(`${agent.url}/k8s-app-monitor-agent/api/metrics`);
        expect(res.status).toBe(200);
        const traceId = res.headers.get('traceresponse')!.split('-')[1]!;
        expect(traceId).toMatch(/^[0-9a-f]{32}$/);
        if (protocol === 'http/json') {
          const spans = await until('spans of both services', () => {
            const found = jsonSpans(receiver.exports).filter((s) => s.traceId === traceId);
            return new Set(found.map((s) => s.service)).size === 2 ? found : undefined;
          });
          expect(receiver.exports.every((e) => e.contentType === 'application/json')).toBe(true);
          // SERVER 2, CLIENT 3 in OTLP's SpanKind.
          expect(
            spans
              .filter((s) => s.service === 'k8s-app-monitor-agent')
              .map((s) => s.kind)
              .sort(),
          ).toEqual([2, 3]);
          expect(spans.find((s) => s.service === 'k8s-app-monitor-test')).toMatchObject({ kind: 2, name: 'GET /metrics' });
        } else {
          const id = Buffer.from(traceId, 'hex');
          const bodies = await until("both services' spans of the trace", () => {
            const found = receiver.exports.filter((e) => e.body.includes(id));
            const services = ['k8s-app-monitor-agent', 'k8s-app-monitor-test'].filter((name) => found.some((e) => e.body.includes(name)));
            return services.length === 2 ? found : undefined;
          });
          expect(bodies.every((e) => e.contentType === 'application/x-protobuf')).toBe(true);
          expect(Buffer.concat(bodies.map((e) => e.body)).includes('GET /metrics')).toBe(true);
        }
      } finally {
        receiver.close();
      }
    },
    30_000,
  );
});

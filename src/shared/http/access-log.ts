import type { Context } from 'koa';
import { pino } from 'pino';
import type { Logger } from '../logger.js';
import type { TraceIds } from '../telemetry/trace-ids.js';

interface AccessLogEntry {
  route: string;
  status: number;
  durationMs: number;
  /** The ids of the request's span, so the line joins its trace. */
  ids: TraceIds | undefined;
}

export type AccessLog = (ctx: Context, entry: AccessLogEntry) => void;

/**
 * One line per request: method, route template, path, status, duration, trace. Written by the
 * request's telemetry middleware (http-server.ts), which already has the route, status, timing and
 * span at hand, rather than by a middleware of its own.
 *
 * The line is the one pino would write for `logger.info({ method, … }, 'request')` — the same
 * fields in the same order, to the same destination, at the same level (test/shared/http/
 * access-log.test.ts compares the two byte for byte) — but put together here as one string:
 * pino builds and walks an object per call. Paired in the bench, this line made monitor-test's
 * request 1.03 / 1.06× cheaper by CPU (8 / 32 connections); writing it is the rest of its cost
 * (docs/performance.md).
 */
export function accessLog(logger: Logger): AccessLog {
  const destination = (logger as unknown as Record<symbol, { write(line: string): unknown }>)[pino.symbols.streamSym]!;
  const name = logger.bindings().name;
  const head = `{"level":"info","time":`;
  const afterTime = `${name === undefined ? '' : `,"name":${JSON.stringify(name)}`},"method":`;
  return (ctx, { route, status, durationMs, ids }) => {
    if (!logger.isLevelEnabled('info')) return;
    const trace = ids ? `,"trace_id":"${ids.trace_id}","span_id":"${ids.span_id}"` : '';
    destination.write(
      `${head}${Date.now()}${afterTime}${JSON.stringify(ctx.method)},"route":${JSON.stringify(route)},"path":${JSON.stringify(ctx.path.slice(0, 200))},"status":${status},"duration_ms":${Math.round(durationMs * 1000) / 1000}${trace},"msg":"request"}\n`,
    );
  };
}

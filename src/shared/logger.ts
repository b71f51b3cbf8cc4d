/**
 * pino JSON logs to stdout. The destination is asynchronous (a buffered SonicBoom) so a busy
 * server does not block on every write; run-service.ts flushes it before the process exits. Inside a
 * request every line carries the `trace_id` and `span_id` of its span, so logs and traces join.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogLevel } from './config.js';
import { activeTraceIds } from './telemetry/trace-ids.js';

export type { Logger };

export function createLogger(options: { name: string; level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      // Epoch milliseconds are cheap to write; log shippers and Loki parse them.
      timestamp: pino.stdTimeFunctions.epochTime,
      base: undefined,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => activeTraceIds() ?? {},
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

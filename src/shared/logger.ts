/**
 * pino JSON logs to stdout. The destination is asynchronous (a buffered SonicBoom) so a busy
 * server does not block on every write; `flushLogs` must run before the process exits.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

export function createLogger(options: {
  name: string;
  level: LogLevel;
  destination?: DestinationStream;
}): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      // Epoch milliseconds are cheap to write; log shippers and Loki parse them.
      timestamp: pino.stdTimeFunctions.epochTime,
      base: undefined,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

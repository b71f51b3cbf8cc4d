import { throttledWarning, type WarningSink } from './throttled-warning.js';

/**
 * Where telemetry failures are reported. tracing.ts installs `reportExportFailure` as the SDK's
 * error handler before the app exists; the service hands over its logger once it has one. This
 * module imports nothing of the SDK, so the app can load it cheaply.
 */
let sink: WarningSink = (message, fields) => process.stderr.write(`${JSON.stringify({ level: 'warn', msg: message, ...fields })}\n`);

export function reportTelemetryWarningsTo(next: WarningSink): void {
  sink = next;
}

/** An unreachable Zipkin fails every batch; say so at most once a minute, with a count. */
export const reportExportFailure = throttledWarning('trace export failed', 60_000, (message, fields) => sink(message, fields));

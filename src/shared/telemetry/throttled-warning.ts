export type WarningSink = (message: string, fields: Record<string, unknown>) => void;

/**
 * Wraps an error sink so a failure repeated on every batch (Zipkin down, say) is reported at
 * most once per interval, with the number of occurrences folded in since the last report.
 */
export function throttledWarning(message: string, intervalMs: number, sink: WarningSink, now: () => number = Date.now): (error: unknown) => void {
  let lastReport = -Infinity;
  let suppressed = 0;
  return (error) => {
    const time = now();
    if (time - lastReport < intervalMs) {
      suppressed++;
      return;
    }
    sink(message, { error: error instanceof Error ? error.message : String(error), suppressed_since_last: suppressed });
    lastReport = time;
    suppressed = 0;
  };
}

import { describe, expect, it } from 'vitest';
import { throttledWarning } from '../../../src/shared/telemetry/throttled-warning.js';

describe('throttled warning', () => {
  it('reports at most once per interval, counting what it held back', () => {
    let now = 0;
    const reports: Record<string, unknown>[] = [];
    const warn = throttledWarning(
      'trace export failed',
      60_000,
      (_m, fields) => reports.push(fields),
      () => now,
    );
    for (let i = 0; i < 100; i++) {
      warn(new Error('connect ECONNREFUSED'));
      now += 1000; // one failed batch a second, for 100 s
    }
    expect(reports).toEqual([
      { error: 'connect ECONNREFUSED', suppressed_since_last: 0 },
      { error: 'connect ECONNREFUSED', suppressed_since_last: 59 },
    ]);
  });
});

import { Writable } from 'node:stream';
import type { Context } from 'koa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accessLog } from '../../../src/shared/http/access-log.js';
import { createLogger } from '../../../src/shared/logger.js';
import type { LogLevel } from '../../../src/shared/config.js';

/** A logger writing into an array, one string per line, as pino hands them to its destination. */
function capture(level: LogLevel = 'info', name = 'monitor-test') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ name, level, destination }) };
}

const ctx = (method: string, path: string) => ({ method, path }) as Context;
const IDS = { trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' };

describe('the access line', () => {
  afterEach(() => vi.useRealTimers());

  // The line is written by hand for speed, so it must stay the line pino would write: log
  // shippers, the tests and the drills parse it.
  it.each([
    ['a matched route with its trace', ctx('GET', '/metrics/test-app'), { route: '/metrics/:appname', status: 200, durationMs: 0.123456, ids: IDS }],
    ['no trace, an unmatched route', ctx('HEAD', '/nope'), { route: 'unmatched', status: 404, durationMs: 12, ids: undefined }],
    ['a path a client chose, quotes, controls and all', ctx('GET', '/"\\\n\u0001é\u2028'), { route: 'unmatched', status: 404, durationMs: 1.5, ids: IDS }],
    ['a path cut at 200 characters', ctx('GET', `/${'x'.repeat(300)}`), { route: 'unmatched', status: 404, durationMs: 0, ids: IDS }],
  ])('is byte for byte what pino writes: %s', (_what, request, entry) => {
    vi.useFakeTimers({ now: 1_796_607_706_753, toFake: ['Date'] });
    const ours = capture();
    accessLog(ours.logger)(request, entry);
    const pinos = capture();
    pinos.logger.info(
      { method: request.method, route: entry.route, path: request.path.slice(0, 200), status: entry.status, duration_ms: Math.round(entry.durationMs * 1000) / 1000, ...entry.ids },
      'request',
    );
    expect(ours.lines).toHaveLength(1);
    expect(ours.lines).toEqual(pinos.lines);
    expect(JSON.parse(ours.lines[0]!)).toMatchObject({ level: 'info', name: 'monitor-test', msg: 'request', status: entry.status });
  });

  it('is not written when the level is above info', () => {
    const { lines, logger } = capture('warn');
    accessLog(logger)(ctx('GET', '/metrics'), { route: '/metrics', status: 200, durationMs: 1, ids: IDS });
    expect(lines).toEqual([]);
  });
});

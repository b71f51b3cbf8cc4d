import { describe, expect, it } from 'vitest';
import { readSample, UpstreamDataError } from '../../src/monitor-agent/sample-reader.js';
import { ORIGINAL_BODY, SAMPLE } from '../helpers/fixtures.js';

const withPerformance = (fields: Record<string, unknown>) => JSON.stringify({ ...SAMPLE, performance_index: { ...SAMPLE.performance_index, ...fields } });

describe('the liberal sample reader', () => {
  it("reads the original monitor-test's exact shape", () => {
    expect(readSample(Buffer.from(ORIGINAL_BODY), 'application/json; charset=UTF-8')).toEqual({
      performance_index: { failRatio: 0.02, failAmount: 12, accessAmount: 600, maxConcurrent: 40, minLatency: 3, avgLatency: 25 },
      host: '',
      app_name: 'k8s-app-monitor-test',
      domain: 'k8s-app-monitor-test.default.svc',
    });
  });

  it('reads our own samples unchanged', () => {
    expect(readSample(JSON.stringify(SAMPLE), 'application/json')).toEqual(SAMPLE);
  });

  it('drops extra fields instead of passing them on', () => {
    const body = JSON.stringify({ ...SAMPLE, extra: '<b>x</b>', performance_index: { ...SAMPLE.performance_index, p99: 5 } });
    const sample = readSample(body, 'application/json');
    expect(sample).toEqual(SAMPLE);
    expect(JSON.stringify(sample)).not.toContain('extra');
  });

  it('accepts floats where we send integers, and a missing host or domain', () => {
    const body = JSON.stringify({ performance_index: { ...SAMPLE.performance_index, failAmount: 1.5, avgLatency: 20.25 }, app_name: 'a' });
    expect(readSample(body, undefined)).toMatchObject({ host: '', domain: '', performance_index: { failAmount: 1.5, avgLatency: 20.25 } });
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON; Charset="UTF-8"', 'application/problem+json', 'text/plain;charset=utf8', undefined, ''])(
    'accepts the content type %s',
    (contentType) => {
      expect(readSample(`\uFEFF ${JSON.stringify(SAMPLE)}\n`, contentType)).toEqual(SAMPLE);
    },
  );

  it.each([
    ['text/html', 'text/html; charset=utf-8', JSON.stringify(SAMPLE)],
    ['a Latin-1 charset', 'application/json; charset=iso-8859-1', JSON.stringify(SAMPLE)],
    ['invalid JSON', 'application/json', '{"performance_index":'],
    ['a string count', 'application/json', withPerformance({ accessAmount: '600' })],
    ['a missing core value', 'application/json', JSON.stringify({ ...SAMPLE, performance_index: { failRatio: 0.1, failAmount: 1, accessAmount: 10, maxConcurrent: 1, minLatency: 1 } })],
    ['a missing app_name', 'application/json', JSON.stringify({ performance_index: SAMPLE.performance_index, host: 'h', domain: 'd' })],
    ['a null performance_index', 'application/json', JSON.stringify({ ...SAMPLE, performance_index: null })],
    ['a failRatio above 1', 'application/json', withPerformance({ failRatio: 1.5 })],
    ['a negative latency', 'application/json', withPerformance({ minLatency: -1 })],
    ['a huge count', 'application/json', withPerformance({ accessAmount: 1e300 })],
    ['a 254-character host', 'application/json', JSON.stringify({ ...SAMPLE, host: 'h'.repeat(254) })],
    ['markup as app name', 'application/json', JSON.stringify({ ...SAMPLE, app_name: '<script>' })],
    ['an array', 'application/json', '[]'],
  ])('rejects %s', (_label, contentType, body) => {
    expect(() => readSample(body, contentType)).toThrow(UpstreamDataError);
  });
});

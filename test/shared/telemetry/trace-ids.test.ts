import { describe, expect, it } from 'vitest';
import { inboundSampledTraceId } from '../../../src/shared/telemetry/trace-ids.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('the trace id a request arrived with', () => {
  it.each([
    ['W3C, sampled', { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` }, TRACE_ID],
    ['W3C, upper case and a future flag bit', { traceparent: `00-${TRACE_ID.toUpperCase()}-00F067AA0BA902B7-03` }, TRACE_ID],
    ['W3C, not sampled: no link, even with sampled B3 beside it', { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-00`, 'x-b3-traceid': TRACE_ID, 'x-b3-sampled': '1' }, undefined],
    ['W3C, all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` }, undefined],
    ['W3C, malformed, falls back to B3', { traceparent: 'garbage', 'x-b3-traceid': TRACE_ID, 'x-b3-sampled': '1' }, TRACE_ID],
    ['B3 as Envoy sends it (128-bit)', { 'x-b3-traceid': TRACE_ID, 'x-b3-spanid': '00f067aa0ba902b7', 'x-b3-sampled': '1' }, TRACE_ID],
    ['B3, 64-bit, debug flag', { 'x-b3-traceid': 'a3ce929d0e0e4736', 'x-b3-flags': '1' }, 'a3ce929d0e0e4736'],
    ['B3, not sampled', { 'x-b3-traceid': TRACE_ID, 'x-b3-sampled': '0' }, undefined],
    ['B3, no sampling decision', { 'x-b3-traceid': TRACE_ID }, undefined],
    ['B3, not hex (kept out of the link)', { 'x-b3-traceid': '../../admin', 'x-b3-sampled': '1' }, undefined],
    ['B3, wrong length', { 'x-b3-traceid': 'abc', 'x-b3-sampled': '1' }, undefined],
    ['repeated header: the first value', { 'x-b3-traceid': [TRACE_ID, 'a3ce929d0e0e4736'], 'x-b3-sampled': '1' }, TRACE_ID],
    ['no trace headers', {}, undefined],
  ])('%s', (_case, headers, expected) => {
    expect(inboundSampledTraceId(headers)).toBe(expected);
  });
});

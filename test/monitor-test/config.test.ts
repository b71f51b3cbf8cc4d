import { describe, expect, it } from 'vitest';
import { parseApps, readMonitorTestConfig } from '../../src/monitor-test/config.js';

describe('monitor-test config', () => {
  it('defaults to the seed: port 3000, one app test-app in test-domain, the OS hostname', () => {
    const config = readMonitorTestConfig({}, 'os-host');
    expect(config.port).toBe(3000);
    expect(config.apps).toEqual([{ name: 'test-app', domain: 'test-domain' }]);
    expect(config.hostname).toBe('os-host');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports HOSTNAME when set, as a pod does', () => {
    expect(readMonitorTestConfig({ HOSTNAME: 'pod-abc' }, 'os-host').hostname).toBe('pod-abc');
  });

  it('parses several apps', () => {
    expect(parseApps('test-app:test-domain, checkout:shop')).toEqual([
      { name: 'test-app', domain: 'test-domain' },
      { name: 'checkout', domain: 'shop' },
    ]);
  });

  it.each(['noDomain', 'a:b:c', 'bad name:d', `${'x'.repeat(65)}:d`, 'a:d,a:e', ',', 'a:<script>'])('rejects APPS=%s', (value) => {
    expect(() => parseApps(value)).toThrow(/APPS/);
  });

  it('rejects a bad PORT naming it', () => {
    expect(() => readMonitorTestConfig({ PORT: 'abc' }, 'h')).toThrow(/^PORT must be a whole number/);
  });
});

describe('monitor-test fault settings', () => {
  it('inject nothing by default', () => {
    expect(readMonitorTestConfig({}, 'h').faults).toEqual({ errorRate: 0, delayMs: 0, delayJitterMs: 0 });
  });

  it('read an error rate between 0 and 1 and delays in milliseconds', () => {
    expect(readMonitorTestConfig({ FAULT_ERROR_RATE: '0.25', FAULT_DELAY_MS: '100', FAULT_DELAY_JITTER_MS: '50' }, 'h').faults).toEqual({ errorRate: 0.25, delayMs: 100, delayJitterMs: 50 });
    expect(readMonitorTestConfig({ FAULT_ERROR_RATE: '1' }, 'h').faults.errorRate).toBe(1);
  });

  it.each(['1.5', '-0.1', 'half', '25%'])('reject FAULT_ERROR_RATE=%s', (value) => {
    expect(() => readMonitorTestConfig({ FAULT_ERROR_RATE: value }, 'h')).toThrow(/^FAULT_ERROR_RATE must be a number between 0 and 1/);
  });
});

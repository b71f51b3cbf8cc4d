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

import { describe, expect, it } from 'vitest';
import { ConfigError, readCommonConfig, readHostname, readHttpUrl, readInteger, readPort } from '../../src/shared/config.js';

describe('config readers', () => {
  it('uses the default when a variable is unset or empty', () => {
    expect(readPort({}, 'PORT', 3000)).toBe(3000);
    expect(readPort({ PORT: '' }, 'PORT', 3000)).toBe(3000);
    expect(readPort({ PORT: ' 8080 ' }, 'PORT', 3000)).toBe(8080);
  });

  it.each([
    ['abc', /PORT must be a whole number, got "abc"/],
    ['70000', /PORT must be between 1 and 65535, got 70000/],
    ['0', /PORT must be between 1 and 65535/],
    ['-1', /PORT must be a whole number/],
    ['3000.5', /PORT must be a whole number/],
    ['1e3', /PORT must be a whole number/],
  ])('rejects PORT=%s naming the variable', (value, message) => {
    expect(() => readPort({ PORT: value }, 'PORT', 3000)).toThrow(ConfigError);
    expect(() => readPort({ PORT: value }, 'PORT', 3000)).toThrow(message);
  });

  it('bounds integers', () => {
    expect(readInteger({ T: '5' }, 'T', 1, { min: 0, max: 10 })).toBe(5);
    expect(() => readInteger({ T: '11' }, 'T', 1, { min: 0, max: 10 })).toThrow(/T must be between 0 and 10/);
  });

  it('reads http(s) URLs only', () => {
    expect(readHttpUrl({}, 'U')).toBeUndefined();
    expect(readHttpUrl({ U: 'https://x.example:8443/p' }, 'U')?.href).toBe('https://x.example:8443/p');
    expect(() => readHttpUrl({ U: 'not a url' }, 'U')).toThrow(/U must be an absolute URL/);
    expect(() => readHttpUrl({ U: 'ftp://x' }, 'U')).toThrow(/U must be an http or https URL/);
    // A password in a bad URL is not printed, whether the URL parses or not.
    expect(() => readHttpUrl({ U: 'ftp://admin:s3cr3t@host/' }, 'U')).toThrow(/^U must be an http or https URL, got "ftp:\/\/REDACTED@host\/"$/);
    expect(() => readHttpUrl({ U: 'http://admin:s3cr3t@[bad/' }, 'U')).toThrow(/^U must be an absolute URL, got "http:\/\/REDACTED@\[bad\/"$/);
  });

  it('reads host names as the seed used SERVICE_NAME', () => {
    expect(readHostname({}, 'SERVICE_NAME', 'localhost')).toBe('localhost');
    expect(readHostname({ SERVICE_NAME: 'k8s-app-monitor-test.default.svc' }, 'SERVICE_NAME', 'x')).toBe('k8s-app-monitor-test.default.svc');
    expect(readHostname({ SERVICE_NAME: '127.0.0.1' }, 'SERVICE_NAME', 'x')).toBe('127.0.0.1');
    expect(() => readHostname({ SERVICE_NAME: 'http://x' }, 'SERVICE_NAME', 'x')).toThrow(/SERVICE_NAME must be a host name/);
    expect(() => readHostname({ SERVICE_NAME: 'a b' }, 'SERVICE_NAME', 'x')).toThrow(/SERVICE_NAME/);
  });

  it('reads the common settings with defaults', () => {
    expect(readCommonConfig({}, 9464)).toEqual({
      metricsPort: 9464,
      logLevel: 'info',
      accessLog: true,
      shutdownDelayMs: 0,
      shutdownTimeoutMs: 10_000,
      listenHost: undefined,
      httpTimeouts: { keepAliveTimeoutMs: 65_000, headersTimeoutMs: 66_000 },
    });
    expect(readCommonConfig({ METRICS_PORT: '9100' }, 9464).metricsPort).toBe(9100);
    expect(() => readCommonConfig({ LOG_LEVEL: 'loud' }, 9464)).toThrow(/LOG_LEVEL must be one of fatal, error/);
    expect(readCommonConfig({ ACCESS_LOG: 'False' }, 9464).accessLog).toBe(false);
    expect(readCommonConfig({ ACCESS_LOG: 'true' }, 9464).accessLog).toBe(true);
    expect(() => readCommonConfig({ ACCESS_LOG: 'off' }, 9464)).toThrow(/^ACCESS_LOG must be true or false, got "off"$/);
    expect(() => readCommonConfig({ SHUTDOWN_TIMEOUT_MS: 'soon' }, 9464)).toThrow(/SHUTDOWN_TIMEOUT_MS/);
    expect(() => readCommonConfig({ METRICS_PORT: '99999' }, 9464)).toThrow(/^METRICS_PORT must be between 1 and 65535/);
    for (const host of ['127.0.0.1', '::', '::1', 'localhost', 'pod-a.example']) expect(readCommonConfig({ LISTEN_HOST: host }, 9464).listenHost).toBe(host);
    for (const host of ['a b', '[::1]', 'http://x', '-x']) expect(() => readCommonConfig({ LISTEN_HOST: host }, 9464)).toThrow(/^LISTEN_HOST must be an IP address or a host name/);
  });

  it('keeps idle connections open longer than a proxy does, and waits for headers longer still', () => {
    expect(readCommonConfig({ KEEP_ALIVE_TIMEOUT_MS: '120000' }, 9464).httpTimeouts).toEqual({ keepAliveTimeoutMs: 120_000, headersTimeoutMs: 121_000 });
    expect(readCommonConfig({ KEEP_ALIVE_TIMEOUT_MS: '70000', HEADERS_TIMEOUT_MS: '90000' }, 9464).httpTimeouts).toEqual({ keepAliveTimeoutMs: 70_000, headersTimeoutMs: 90_000 });
    expect(() => readCommonConfig({ HEADERS_TIMEOUT_MS: '65000' }, 9464)).toThrow(/^HEADERS_TIMEOUT_MS must be greater than KEEP_ALIVE_TIMEOUT_MS \(65000\), got 65000$/);
    expect(() => readCommonConfig({ HEADERS_TIMEOUT_MS: '400000' }, 9464)).toThrow(/^HEADERS_TIMEOUT_MS must be between 1000 and 300000/);
    expect(() => readCommonConfig({ KEEP_ALIVE_TIMEOUT_MS: '0' }, 9464)).toThrow(/^KEEP_ALIVE_TIMEOUT_MS must be between 1000 and 299999/);
    // Near the top, the default for headers stops at Node's limit rather than failing at listen.
    expect(readCommonConfig({ KEEP_ALIVE_TIMEOUT_MS: '299999' }, 9464).httpTimeouts).toEqual({ keepAliveTimeoutMs: 299_999, headersTimeoutMs: 300_000 });
  });
});

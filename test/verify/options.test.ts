import { describe, expect, it } from 'vitest';
import { ConfigError, parseOptions } from '../../src/verify/options.js';

describe('verify options', () => {
  it('reads flags before the environment and makes every URL a directory', () => {
    const options = parseOptions(['--agent', 'http://a:8888/k8s-app-monitor-agent', '--prometheus', 'http://p:9090'], {
      AGENT_URL: 'http://ignored/',
      ZIPKIN_URL: 'http://z:9411/zipkin/',
    });
    expect(options.agentUrl.href).toBe('http://a:8888/k8s-app-monitor-agent/');
    expect(options.zipkinUrl?.href).toBe('http://z:9411/');
    expect(options.prometheusUrl?.href).toBe('http://p:9090/');
    expect(options).toMatchObject({ requests: 3, timeoutMs: 60_000 });
  });

  it('takes everything from the environment', () => {
    const options = parseOptions([], { AGENT_URL: 'http://a/', VERIFY_REQUESTS: '5' });
    expect(options).toMatchObject({ zipkinUrl: undefined, prometheusUrl: undefined, requests: 5 });
  });

  it.each([
    [[], /--agent \(or AGENT_URL\)/],
    [['--agent', 'not a url'], /--agent: not a URL/],
    [['--agent', 'ftp://a/'], /--agent: must be http or https/],
    [['--agent', 'http://a/', '--requests', '0'], /--requests: must be an integer from 1 to 50/],
    [['--agent', 'http://a/', '--bogus'], /Unknown option '--bogus'/],
  ])('rejects %j with one line naming the setting', (argv, message) => {
    expect(() => parseOptions(argv, {})).toThrow(ConfigError);
    expect(() => parseOptions(argv, {})).toThrow(message);
  });
});

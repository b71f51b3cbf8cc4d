import { describe, expect, it } from 'vitest';
import { readMonitorAgentConfig } from '../../src/monitor-agent/config.js';

describe('monitor-agent config', () => {
  it('finds the upstream as the seed did: http://$SERVICE_NAME:$APP_PORT, default localhost:3000', () => {
    const config = readMonitorAgentConfig({});
    expect(config.port).toBe(8888);
    expect(config.upstreamUrl.href).toBe('http://localhost:3000/');
    expect(config.upstreamTimeoutMs).toBe(2000);
  });

  it('resolves SERVICE_NAME and APP_PORT as in Kubernetes', () => {
    expect(readMonitorAgentConfig({ SERVICE_NAME: 'k8s-app-monitor-test', APP_PORT: '3001' }).upstreamUrl.href).toBe('http://k8s-app-monitor-test:3001/');
  });

  it('lets UPSTREAM_URL replace the whole base URL', () => {
    expect(readMonitorAgentConfig({ SERVICE_NAME: 'ignored', UPSTREAM_URL: 'https://api.example/monitor' }).upstreamUrl.href).toBe('https://api.example/monitor');
  });

  it.each([
    [{ APP_PORT: '70000' }, /^APP_PORT must be between 1 and 65535, got 70000$/],
    [{ PORT: 'abc' }, /^PORT must be a whole number/],
    [{ SERVICE_NAME: 'http://x:1' }, /^SERVICE_NAME must be a host name/],
    [{ UPSTREAM_URL: 'localhost:3000' }, /^UPSTREAM_URL must be an http or https URL/],
    [{ UPSTREAM_TIMEOUT_MS: '0' }, /^UPSTREAM_TIMEOUT_MS must be between 1 and 120000/],
  ])('rejects %o with one line naming the variable', (env, message) => {
    expect(() => readMonitorAgentConfig(env)).toThrow(message);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ClientFailure, createUpstreamHttpClient } from '../../../src/monitor-agent/outbound/http-client.js';
import { startServer } from '../../helpers/fixtures.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('the upstream HTTP client', () => {
  it('cuts an answer that drips in byte by byte at the deadline over the whole exchange', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const drip = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(drip));
    });
    const client = createUpstreamHttpClient({ timeoutMs: 300, maxBodyBytes: 1024 * 1024 });
    cleanups.push(server.close, client.close);
    const start = performance.now();
    const error = await client.get(server.url, {}, () => 'read').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientFailure);
    expect((error as ClientFailure).kind).toBe('timeout');
    // The bound that matters: the drip (a byte every 20 ms) would have kept it open forever.
    expect(performance.now() - start).toBeLessThan(5000);
  });

  it('reuses one kept-alive connection for consecutive calls', async () => {
    const ports = new Set<number>();
    const server = await startServer((req, res) => {
      ports.add(req.socket.remotePort!);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    const client = createUpstreamHttpClient({ timeoutMs: 1000, maxBodyBytes: 1024 });
    cleanups.push(server.close, client.close);
    for (let i = 0; i < 5; i++) expect(await client.get(server.url, {}, ({ body }) => body.toString())).toBe('ok');
    expect(ports.size).toBe(1);
  });

  it('refuses a body over the cap', async () => {
    const server = await startServer((_req, res) => res.writeHead(200).end('x'.repeat(5000)));
    const client = createUpstreamHttpClient({ timeoutMs: 1000, maxBodyBytes: 1024 });
    cleanups.push(server.close, client.close);
    const error = await client.get(server.url, {}, () => 'read').catch((e: unknown) => e);
    expect((error as ClientFailure).kind).toBe('body_too_large');
  });
});

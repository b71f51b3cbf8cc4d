/**
 * Requests that never reach the app: each gets the documented JSON error with the security
 * headers, sent over a raw socket because an HTTP client would not send them.
 */
import { createServer, type RequestListener } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/monitor-test/app.js';
import { answerClientError } from '../../../src/shared/http/protocol-errors.js';
import { API_CONTENT_SECURITY_POLICY } from '../../../src/shared/http/security-headers.js';
import { listen, type Listening } from '../../../src/shared/server.js';
import { monitorTestFixture } from '../../helpers/fixtures.js';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Writes raw bytes, reads until the server closes, and parses the one answer. */
function exchange(port: number, raw: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      try {
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) });
      } catch {
        reject(new Error(`not a JSON answer: ${JSON.stringify(text)}`));
      }
    });
    socket.write(raw);
  });
}

function expectJsonError(answer: RawAnswer, status: number, body: { error: string; message: string }) {
  expect(answer.status).toBe(status);
  expect(answer.body).toEqual(body);
  expect(answer.headers['content-type']).toBe('application/json');
  expect(answer.headers['content-security-policy']).toBe(API_CONTENT_SECURITY_POLICY);
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
  expect(answer.headers.connection).toBe('close');
}

describe('answers below the app', () => {
  let listening: Listening;
  beforeAll(async () => {
    const { config, deps } = monitorTestFixture();
    listening = await listen(createApp(config, deps).callback() as RequestListener, 0, '127.0.0.1', config.httpTimeouts);
  });
  afterAll(() => listening.server.close());

  it('HTTP/1.1 without Host: 400 JSON', async () => {
    expectJsonError(await exchange(listening.port, 'GET /metrics HTTP/1.1\r\n\r\n'), 400, { error: 'Bad Request', message: 'an HTTP/1.1 request must carry a Host header' });
  });

  it('two Host headers: 400 JSON (RFC 9112 section 3.2)', async () => {
    expectJsonError(await exchange(listening.port, 'GET /metrics HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n'), 400, {
      error: 'Bad Request',
      message: 'a request must carry one Host header, not several',
    });
  });

  it('HTTP/1.0 without Host is still served', async () => {
    const answer = await exchange(listening.port, 'GET /metrics HTTP/1.0\r\n\r\n');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ app_name: 'test-app' });
  });

  it('CONNECT: 405 JSON with Allow, like any other method', async () => {
    const answer = await exchange(listening.port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expectJsonError(answer, 405, { error: 'Method Not Allowed', message: 'method CONNECT is not allowed; use GET' });
    expect(answer.headers.allow).toBe('GET, HEAD');
  });

  it('a malformed request: 400 JSON', async () => {
    expectJsonError(await exchange(listening.port, 'GET /metrics HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'), 400, { error: 'Bad Request', message: 'malformed HTTP request' });
  });

  it('headers that do not arrive within headersTimeout: 408 JSON', async () => {
    // Node checks its request timers every connectionsCheckingInterval (30 s by default); a short
    // one here lets the real timeout fire in a test.
    const server = createServer({ headersTimeout: 200, requestTimeout: 200, connectionsCheckingInterval: 50 }, (_req, res) => res.end());
    server.on('clientError', answerClientError);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await exchange((server.address() as AddressInfo).port, 'GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      expectJsonError(answer, 408, { error: 'Request Timeout', message: 'the request did not arrive in time' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

import type { IncomingMessage, RequestListener } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody, statusText } from './error-body.js';
import { SECURITY_HEADERS } from './security-headers.js';

/**
 * Answers for requests that never reach the Koa app — malformed, oversized, too slow, CONNECT, or
 * without exactly one Host — in the same JSON `{ error, message }` with the same security headers
 * as every other answer, then the connection is closed. Node's own answers here are bare (an empty
 * 400, or for CONNECT a connection closed with no answer at all).
 */
function errorAnswer(status: number, message: string, extra: Record<string, string> = {}): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(errorBody(status, message));
  return { body, headers: { ...SECURITY_HEADERS, ...extra, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' } };
}

/** The whole response as bytes, for a socket that has no ServerResponse. */
function rawAnswer(status: number, message: string, extra: Record<string, string> = {}): string {
  const { headers, body } = errorAnswer(status, message, extra);
  return `HTTP/1.1 ${status} ${statusText(status)}\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n${body}`;
}

/** Node's `clientError`: a request its parser rejected, or one that timed out (408, as Node itself says). */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    socket.end(rawAnswer(431, 'request headers are too large'));
  } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    socket.end(rawAnswer(408, 'the request did not arrive in time'));
  } else {
    socket.end(rawAnswer(400, 'malformed HTTP request'));
  }
}

/** Node's `connect` event: both services are read-only, so CONNECT gets the 405 any other method does. */
export function refuseConnect(_request: IncomingMessage, socket: Duplex): void {
  socket.end(rawAnswer(405, 'method CONNECT is not allowed; use GET', { Allow: 'GET, HEAD' }));
}

const hostCount = (request: IncomingMessage): number => request.rawHeaders.filter((value, index) => index % 2 === 0 && value.toLowerCase() === 'host').length;

/**
 * HTTP/1.1 requires exactly one Host header and a server must answer 400 otherwise (RFC 9112
 * section 3.2). Node keeps the first of two and passes the request on; without one it answers a
 * bare 400 unless `requireHostHeader` is off, which listen() turns off so this answers instead.
 */
export function requireOneHost(handler: RequestListener): RequestListener {
  return (request, response) => {
    const hosts = hostCount(request);
    if (hosts > 1 || (hosts === 0 && request.httpVersion === '1.1')) {
      const { headers, body } = errorAnswer(400, hosts > 1 ? 'a request must carry one Host header, not several' : 'an HTTP/1.1 request must carry a Host header');
      response.writeHead(400, headers).end(body);
      return;
    }
    handler(request, response);
  };
}

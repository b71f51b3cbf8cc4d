import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HttpTimeouts } from './config.js';

export interface Listening {
  server: Server;
  port: number;
}

/**
 * Requests Node's parser rejects before the app sees them (malformed, or headers over Node's
 * 16 KiB limit) still get a JSON error, then the connection is closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const [status, text] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : [400, 'Bad Request'];
  const body = JSON.stringify({ error: text, message: status === 431 ? 'request headers are too large' : 'malformed HTTP request' });
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Listens and resolves once the port is bound (port 0 picks a free one, for tests). */
export function listen(handler: RequestListener, port: number, host: string | undefined, timeouts: HttpTimeouts): Promise<Listening> {
  const server = createServer({ keepAliveTimeout: timeouts.keepAliveTimeoutMs, headersTimeout: timeouts.headersTimeoutMs }, handler);
  server.on('clientError', answerClientError);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}

/**
 * Stops accepting, lets in-flight requests finish, and resolves once every connection is
 * closed — or, after `timeoutMs`, cuts the remaining ones. Resolves `true` when it drained
 * cleanly. Idle keep-alive sockets are closed at once and again as requests finish, because a
 * client holding a keep-alive connection would otherwise keep the server open until it times out.
 */
export function drain(server: Server, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => {
      server.closeAllConnections();
      finish(false);
    }, timeoutMs);
    function finish(clean: boolean): void {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve(clean);
    }
    server.close(() => finish(true));
    server.closeIdleConnections();
  });
}

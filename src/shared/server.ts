import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpTimeouts } from './config.js';
import { answerClientError, refuseConnect, requireOneHost } from './http/protocol-errors.js';

export interface Listening {
  server: Server;
  port: number;
}

/** Listens and resolves once the port is bound (port 0 picks a free one, for tests). */
export function listen(handler: RequestListener, port: number, host: string | undefined, timeouts: HttpTimeouts): Promise<Listening> {
  // requireHostHeader off: requireOneHost answers a missing Host with JSON instead of Node's bare 400.
  const server = createServer({ requireHostHeader: false, keepAliveTimeout: timeouts.keepAliveTimeoutMs, headersTimeout: timeouts.headersTimeoutMs }, requireOneHost(handler));
  server.on('clientError', answerClientError);
  server.on('connect', refuseConnect);
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

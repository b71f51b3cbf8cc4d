import type { Middleware } from 'koa';
import { isReadMethod } from './error-body.js';

/** Whether the process should get traffic. It only ever goes from ready to not ready. */
export class Readiness {
  #ready = true;
  get ready(): boolean {
    return this.#ready;
  }
  markShuttingDown(): void {
    this.#ready = false;
  }
}

/**
 * `/healthz` (liveness: the event loop answers) and `/readyz` (readiness: false once shutdown
 * has begun, so endpoints drop this pod before it stops accepting). Neither depends on another
 * service, so a slow upstream cannot cascade into restarts. Probes sit before telemetry and
 * access logging in the middleware list: a kubelet probing every few seconds is not traffic.
 * They answer GET and HEAD only; any other method goes on to the read-only guard's 405.
 */
export function probes(readiness: Readiness): Middleware {
  return function answerProbes(ctx, next) {
    // While draining, tell keep-alive clients to reconnect (to another pod) after this answer.
    if (!readiness.ready) ctx.set('Connection', 'close');
    if (!isReadMethod(ctx.method)) return next();
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
    } else if (ctx.path === '/readyz') {
      ctx.status = readiness.ready ? 200 : 503;
      ctx.body = { status: readiness.ready ? 'ready' : 'shutting down' };
    } else {
      return next();
    }
    ctx.set('Cache-Control', 'no-store');
    return undefined;
  };
}

import type { Middleware } from 'koa';

/**
 * Both services are read-only and never read a request body, so a request that sends one is
 * refused with 413 and its connection closed — rather than letting Node drain, say, a 10 GB body
 * to keep the connection alive.
 */
export function refuseRequestBodies(): Middleware {
  return async function rejectBody(ctx, next) {
    const length = Number(ctx.get('Content-Length') || 0);
    if (length > 0 || ctx.get('Transfer-Encoding') !== '') {
      ctx.set('Connection', 'close');
      ctx.throw(413, 'request bodies are not accepted');
    }
    await next();
  };
}

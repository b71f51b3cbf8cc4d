import type { Middleware } from 'koa';
import { isReadMethod } from './error-body.js';

/**
 * Both services are read-only. Any method but GET/HEAD gets 405 with an Allow header, whatever the
 * path (@koa/router's allowedMethods answers 501 for methods it does not know, and a random method
 * must not produce a 5xx). A request that sends a body is refused with 413 and its connection
 * closed, rather than letting Node drain, say, a 10 GB body to keep the connection alive.
 *
 * Not an async function: it does nothing after `next()`, so it hands on the promise instead of
 * wrapping it in another (every layer costs on a path served 10,000 times a second).
 */
export function acceptOnlyReads(): Middleware {
  return function guardReadOnly(ctx, next) {
    if (!isReadMethod(ctx.method)) {
      ctx.throw(405, `method ${ctx.method.slice(0, 20)} is not allowed; use GET`, {
        headers: { Allow: 'GET, HEAD' },
      });
    }
    const { 'content-length': length, 'transfer-encoding': encoding } = ctx.headers;
    if (Number(length ?? 0) > 0 || encoding) {
      ctx.set('Connection', 'close');
      ctx.throw(413, 'request bodies are not accepted');
    }
    return next();
  };
}

import type { Middleware } from 'koa';

/**
 * Both services are read-only: any method but GET/HEAD gets 405 with an Allow header, whatever
 * the path. (@koa/router's allowedMethods answers 501 for methods it does not know, and a
 * random method must not produce a 5xx.)
 */
export function allowOnlyReads(): Middleware {
  return async function rejectWrites(ctx, next) {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.throw(405, `method ${ctx.method.slice(0, 20)} is not allowed; use GET`, {
        headers: { Allow: 'GET, HEAD' },
      });
    }
    await next();
  };
}

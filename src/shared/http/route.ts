import type { Context } from 'koa';

/**
 * The route template a request matched (`/metrics/:appname`), or undefined when no route did.
 * Telemetry labels and span names use the template, never the raw path, so that a random path
 * cannot create a new series or span name.
 */
export function matchedRoute(ctx: Context): string | undefined {
  // `routerPath` is what @koa/router documents for this ("Matched route path", README, Router
  // context); it is set when a route's handlers run, so it stays unset for unmatched requests.
  const route: unknown = (ctx as Context & { routerPath?: unknown }).routerPath;
  return typeof route === 'string' ? route : undefined;
}

/** The bounded label value for requests no route matched. */
export const UNMATCHED_ROUTE = 'unmatched';

import type { Context } from 'koa';
import { APP_NAME_RULE, isAppName } from '../shared/api/metric.js';

/**
 * The `?app=` of the page, the data endpoint and the chart images: undefined for monitor-test's
 * default app. A malformed name is a 400 here, before it could reach an upstream URL.
 */
export function appParam(ctx: Context): string | undefined {
  const value = ctx.query.app;
  if (value === undefined || value === '') return undefined;
  if (!isAppName(value)) ctx.throw(400, `app must be ${APP_NAME_RULE}`);
  return value;
}

import { STATUS_CODES } from 'node:http';

/**
 * The one error answer of both services, on every port and every path (the Koa error handler,
 * the answers Node's parser or a missing Host gets, the admin port, the chart's error image):
 * `{ "error": <the status text>, "message": <what went wrong, safe to show> }`.
 */
export const statusText = (status: number): string => STATUS_CODES[status] ?? 'Error';

export const errorBody = (status: number, message: string): { error: string; message: string } => ({ error: statusText(status), message });

/** The message a client may see for an error: its own when marked safe (`expose`, as ctx.throw marks 4xx), else the status text. */
export function clientMessage(error: unknown, status: number): string {
  const { expose, message } = (error ?? {}) as { expose?: unknown; message?: unknown };
  return expose === true && typeof message === 'string' ? message : statusText(status);
}

/** Both services are read-only: the methods they answer. */
export const isReadMethod = (method: string | undefined): boolean => method === 'GET' || method === 'HEAD';

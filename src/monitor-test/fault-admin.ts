/**
 * `/faults` on monitor-test's admin port (METRICS_PORT, never the public one, which has no such
 * route): `POST` a fault `{errorRate, delayMs, jitterMs, app?}` (JSON, at most 1 KiB; every field
 * checked, a bad one a 400 naming it, and then nothing changes), `GET` the active faults,
 * `DELETE` to clear them all. In Kubernetes the admin port is reached by Prometheus and through
 * `kubectl port-forward` (the drill's path), which NetworkPolicies do not see.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { APP_NAME_RULE, isAppName } from '../shared/api/metric.js';
import { errorBody } from '../shared/http/error-body.js';
import type { Fault, Faults } from './faults.js';

const MAX_BODY_BYTES = 1024;
const MAX_DELAY_MS = 60_000;
const FIELDS = new Set(['errorRate', 'delayMs', 'jitterMs', 'app']);

class BadFault extends Error {}

/** A fault from a POST body, or BadFault naming the field that is wrong. */
function parseFault(body: unknown, apps: ReadonlySet<string>): { fault: Fault; app: string | undefined } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadFault('the body must be a JSON object such as {"errorRate":0.5,"delayMs":0,"jitterMs":0}');
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) if (!FIELDS.has(key)) throw new BadFault(`unknown field ${JSON.stringify(key.slice(0, 40))}: a fault has errorRate, delayMs, jitterMs and app`);
  const number = (name: string, max: number, integer: boolean): number => {
    const value = fields[name] ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max || (integer && !Number.isInteger(value))) {
      throw new BadFault(`${name} must be ${integer ? 'a whole number' : 'a number'} from 0 to ${max}`);
    }
    return value;
  };
  const fault = { errorRate: number('errorRate', 1, false), delayMs: number('delayMs', MAX_DELAY_MS, true), jitterMs: number('jitterMs', MAX_DELAY_MS, true) };
  const { app } = fields;
  if (app !== undefined && (!isAppName(app) || !apps.has(app))) throw new BadFault(`app must be one of the configured apps (${APP_NAME_RULE})`);
  return { fault, app };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadFault(`the body must be at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Handles /faults and returns true, or returns false for any other path. */
export function faultAdmin(faults: Faults, apps: ReadonlySet<string>): (request: IncomingMessage, response: ServerResponse) => boolean {
  const list = () => ({ faults: faults.active() });
  return (request, response) => {
    if (request.url?.split('?')[0] !== '/faults') return false;
    switch (request.method) {
      case 'GET':
        send(response, 200, list());
        break;
      case 'DELETE':
        faults.clear();
        send(response, 200, list());
        break;
      case 'POST':
        if (!request.headers['content-type']?.startsWith('application/json')) {
          send(response, 415, errorBody(415, 'send the fault as application/json'));
          request.resume();
          break;
        }
        readBody(request)
          .then((text) => {
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              throw new BadFault('the body is not valid JSON');
            }
            const { fault, app } = parseFault(body, apps);
            faults.set(fault, app);
            send(response, 200, list());
          })
          .catch((error: unknown) => {
            if (!(error instanceof BadFault)) throw error;
            response.setHeader('connection', 'close');
            send(response, 400, errorBody(400, error.message));
          })
          .catch(() => send(response, 500, errorBody(500, 'the fault could not be set')));
        break;
      default:
        response.setHeader('allow', 'GET, POST, DELETE');
        send(response, 405, errorBody(405, `method ${request.method?.slice(0, 20)} is not allowed on /faults; use GET, POST or DELETE`));
    }
    return true;
  };
}

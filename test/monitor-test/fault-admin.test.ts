import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/monitor-test/app.js';
import { faultAdmin } from '../../src/monitor-test/fault-admin.js';
import { monitorTestFixture } from '../helpers/fixtures.js';
import { useInMemoryTracing } from '../helpers/tracing-fixture.js';

const spans = useInMemoryTracing();

/** The public app and the admin port's /faults, sharing one fault set, as main.ts wires them. */
async function setup(env: Record<string, string> = {}) {
  const { config, deps } = monitorTestFixture(env);
  const admin = faultAdmin(deps.faults, new Set(config.apps.map((a) => a.name)));
  const server = createServer((req, res) => admin(req, res) || res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { app: request(createApp(config, deps).callback()), admin: request(`http://127.0.0.1:${(server.address() as AddressInfo).port}`) };
}
const servers: ReturnType<typeof createServer>[] = [];
afterAll(() => {
  for (const server of servers) server.close();
});

describe('/faults on the admin port', () => {
  it('starts from the FAULT_* settings, and lists what is active', async () => {
    const { admin } = await setup({ FAULT_ERROR_RATE: '0.25', FAULT_DELAY_MS: '5' });
    expect((await admin.get('/faults').expect(200)).body).toEqual({ faults: [{ app: null, errorRate: 0.25, delayMs: 5, jitterMs: 0 }] });
  });

  it('injects a fault for one app only; its failed answers are marked in their spans; DELETE clears it', async () => {
    const { app, admin } = await setup();
    expect((await admin.get('/faults').expect(200)).body).toEqual({ faults: [] });
    await admin
      .post('/faults')
      .send({ errorRate: 1, app: 'checkout' })
      .expect(200, { faults: [{ app: 'checkout', errorRate: 1, delayMs: 0, jitterMs: 0 }] });
    expect((await app.get('/metrics/checkout').expect(500)).body).toEqual({ error: 'Internal Server Error', message: 'injected fault' });
    expect(spans.getFinishedSpans().at(-1)!.attributes['fault.injected']).toBe(true);
    await app.get('/metrics/test-app').expect(200);
    await app.get('/metrics').expect(200); // the default app is test-app
    expect(spans.getFinishedSpans().at(-1)!.attributes['fault.injected']).toBeUndefined();
    await admin.delete('/faults').expect(200, { faults: [] });
    await app.get('/metrics/checkout').expect(200);
  });

  it('replaces the every-app fault with a new one, and an all-zero fault removes it', async () => {
    const { app, admin } = await setup();
    await admin.post('/faults').send({ errorRate: 1 }).expect(200);
    await app.get('/metrics').expect(500);
    await admin.post('/faults').send({ errorRate: 0, delayMs: 0 }).expect(200, { faults: [] });
    await app.get('/metrics').expect(200);
  });

  it.each([
    ['an error rate above 1', { errorRate: 1.5 }, /^errorRate must be a number from 0 to 1$/],
    ['a negative delay', { delayMs: -1 }, /^delayMs must be a whole number from 0 to 60000$/],
    ['a fractional jitter', { jitterMs: 1.5 }, /^jitterMs must be a whole number/],
    ['a string for a number', { errorRate: '0.5' }, /^errorRate must be a number/],
    ['an unknown app', { errorRate: 1, app: 'nope' }, /^app must be one of the configured apps/],
    ['an unknown field', { errorRate: 1, errorrate: 1 }, /^unknown field "errorrate"/],
    ['an array', [1], /^the body must be a JSON object/],
  ])('refuses %s with a 400 naming the field, and changes nothing', async (_name, body, message) => {
    const { app, admin } = await setup();
    await admin.post('/faults').send({ delayMs: 1 }).expect(200);
    const res = await admin
      .post('/faults')
      .send(body as object)
      .expect(400);
    expect(res.body.error).toBe('Bad Request');
    expect(res.body.message).toMatch(message);
    expect((await admin.get('/faults')).body).toEqual({ faults: [{ app: null, errorRate: 0, delayMs: 1, jitterMs: 0 }] });
    await app.get('/metrics').expect(200);
  });

  it('refuses malformed JSON, an oversized body, another media type and other methods', async () => {
    const { admin } = await setup();
    expect((await admin.post('/faults').set('content-type', 'application/json').send('{"errorRate":').expect(400)).body.message).toBe('the body is not valid JSON');
    expect(
      (
        await admin
          .post('/faults')
          .set('content-type', 'application/json')
          .send(`{"errorRate":0${' '.repeat(2000)}}`)
          .expect(400)
      ).body.message,
    ).toBe('the body must be at most 1024 bytes');
    await admin.post('/faults').set('content-type', 'text/plain').send('errorRate=1').expect(415);
    expect((await admin.put('/faults').expect(405)).headers.allow).toBe('GET, POST, DELETE');
    expect((await admin.get('/faults')).body).toEqual({ faults: [] });
  });
});

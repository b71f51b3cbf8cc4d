/**
 * The drill's exemplar signal against a Zipkin double: a trace that has arrived only in part (the
 * agent's spans before monitor-test's, each service batching on its own) is not settled yet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { exemplarHasFault } from '../../src/drill/signals.js';
import { startServer } from '../helpers/fixtures.js';

const servers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

async function zipkinHolding(spans: { id: string; tags?: Record<string, string> }[] | undefined): Promise<URL> {
  const server = await startServer((_req, res) => {
    if (spans === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(spans));
  });
  servers.push(server.close);
  return server.url;
}

describe('exemplarHasFault', () => {
  const ids = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) };

  it('is undefined while Zipkin does not hold the trace', async () => {
    expect(await exemplarHasFault(await zipkinHolding(undefined), ids)).toBeUndefined();
  });

  it("is undefined while the trace lacks the exemplar's span (ask again)", async () => {
    expect(await exemplarHasFault(await zipkinHolding([{ id: 'c'.repeat(16), tags: {} }]), ids)).toBeUndefined();
  });

  it("reads the tag on the exemplar's own span", async () => {
    expect(await exemplarHasFault(await zipkinHolding([{ id: ids.spanId, tags: { 'fault.injected': 'true' } }]), ids)).toBe(true);
    expect(
      await exemplarHasFault(
        await zipkinHolding([
          { id: ids.spanId, tags: {} },
          { id: 'c'.repeat(16), tags: { 'fault.injected': 'true' } },
        ]),
        ids,
      ),
    ).toBe(false);
  });

  it('without a span id, any span of the trace with the tag counts', async () => {
    expect(await exemplarHasFault(await zipkinHolding([{ id: 'c'.repeat(16), tags: { 'fault.injected': 'true' } }]), { ...ids, spanId: '' })).toBe(true);
  });
});

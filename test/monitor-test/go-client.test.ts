/**
 * The other direction of compatibility: a strict client of the original shape — the seed agent's
 * Go types, decoded with Go's encoding/json as that agent did (infra/tools/sample-decoder) —
 * decodes every sample our monitor-test sends, with the same values. Needs Go: skipped locally
 * without it, failed under CI=true.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/monitor-test/app.js';
import { monitorTestFixture, SAMPLE } from '../helpers/fixtures.js';

const BUILD_SCRIPT = fileURLToPath(new URL('../../infra/tools/sample-decoder.sh', import.meta.url));

function goAvailable(): boolean {
  if (spawnSync('sh', ['-c', 'command -v go'], { stdio: 'ignore' }).status === 0) return true;
  if (process.env.CI === 'true') throw new Error('CI=true but go is missing: .ci/run must provide Go for infra/tools/sample-decoder.sh');
  return false;
}

interface Decoded {
  ok: boolean;
  error?: string;
  metric?: { performance_index: Record<string, number>; host: string; app_name: string; domain: string };
}

describe.skipIf(!goAvailable())("Go's encoding/json into the original struct", () => {
  let decoder: string;
  beforeAll(() => {
    decoder = execFileSync(BUILD_SCRIPT, { encoding: 'utf8', timeout: 120_000 }).trim().split('\n').at(-1)!;
  }, 130_000);

  /** Each body as one line: a JSON newline outside strings is whitespace, so this loses nothing. */
  const decode = (bodies: string[]): Decoded[] =>
    execFileSync(decoder, { input: `${bodies.map((b) => b.replace(/\n/g, ' ')).join('\n')}\n`, encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Decoded);

  it('decodes 400 of our samples (two apps), with the same values', async () => {
    const { config, deps } = monitorTestFixture();
    const http = request(createApp(config, deps).callback());
    const bodies: string[] = [];
    for (let i = 0; i < 200; i++) {
      for (const path of ['/metrics', '/metrics/checkout']) bodies.push((await http.get(path).expect(200)).text);
    }
    const results = decode(bodies);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    results.forEach((result, i) => {
      const { maxLatency: _, ...sent } = JSON.parse(bodies[i]!).performance_index;
      expect(result.metric!.performance_index).toEqual(sent);
      expect(result.metric!.app_name).toBe(JSON.parse(bodies[i]!).app_name);
    });
  });

  it('rejects what that struct rejects (so the check above can fail)', () => {
    const withPerformance = (fields: Record<string, unknown>) => JSON.stringify({ ...SAMPLE, performance_index: { ...SAMPLE.performance_index, ...fields } });
    const results = decode([
      withPerformance({ failAmount: 1.5 }),
      withPerformance({ accessAmount: '4' }),
      withPerformance({ failRatio: '0.25' }),
      withPerformance({ avgLatency: 2e19 }),
      JSON.stringify({ ...SAMPLE, performance_index: [] }),
      JSON.stringify({ ...SAMPLE, host: 7 }),
      JSON.stringify(SAMPLE).replace('"accessAmount":4', '"accessAmount":4.0'),
    ]);
    expect(results.map((r) => r.ok)).toEqual([false, false, false, false, false, false, false]);
    expect(results[0]!.error).toMatch(/cannot unmarshal number 1\.5 .* of type int64/);
  });
});

import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/monitor-test/simulation.js';
import { seededRandom } from '../../src/monitor-test/random-walk.js';
import type { PerformanceIndex } from '../../src/shared/api/metric.js';

const apps = [
  { name: 'test-app', domain: 'test-domain' },
  { name: 'checkout', domain: 'shop' },
];

function samples(count: number, seed = 1, app = 'test-app'): PerformanceIndex[] {
  const simulation = createSimulation(apps, seededRandom(seed));
  return Array.from({ length: count }, () => simulation.sample(app)!);
}

describe('simulation', () => {
  it.each([1, 2, 3, 4, 5])('keeps 100 consecutive samples coherent (seed %i)', (seed) => {
    for (const s of samples(100, seed)) {
      expect(s.failRatio).toBe(s.accessAmount === 0 ? 0 : s.failAmount / s.accessAmount);
      expect(s.failAmount).toBeLessThanOrEqual(s.accessAmount);
      expect(s.minLatency).toBeLessThanOrEqual(s.avgLatency);
      expect(s.avgLatency).toBeLessThanOrEqual(s.maxLatency);
      for (const value of Object.values(s)) {
        expect(Number.isFinite(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
      }
      for (const key of ['failAmount', 'accessAmount', 'maxConcurrent', 'minLatency', 'avgLatency', 'maxLatency'] as const) {
        expect(Number.isInteger(s[key])).toBe(true);
      }
    }
  });

  it('reports zero failRatio when there was no access', () => {
    // Every walk starts at its lower bound (0) and then stands still (0.5 means no move).
    let calls = 0;
    const simulation = createSimulation(apps, () => (calls++ < 12 ? 0 : 0.5));
    const sample = simulation.sample('test-app')!;
    expect(sample.accessAmount).toBe(0);
    expect(sample.failRatio).toBe(0);
  });

  it('gives a fresh sample on every call', () => {
    const all = samples(50);
    for (let i = 1; i < all.length; i++) expect(all[i]).not.toEqual(all[i - 1]);
  });

  it('evolves as a walk: consecutive samples are close, distant ones can be far', () => {
    const all = samples(2000, 7);
    const access = all.map((s) => s.accessAmount);
    const steps = access.slice(1).map((v, i) => Math.abs(v - access[i]!));
    // One step moves at most 5% of the 0..2000 range (plus rounding).
    expect(Math.max(...steps)).toBeLessThanOrEqual(101);
    // ...yet over time the walk covers much of its range.
    expect(Math.max(...access) - Math.min(...access)).toBeGreaterThan(800);
    expect(Math.max(...access)).toBeLessThanOrEqual(2000);
  });

  it('walks each app on its own and knows only configured apps', () => {
    const simulation = createSimulation(apps, seededRandom(3));
    expect(simulation.sample('test-app')).not.toEqual(simulation.sample('checkout'));
    expect(simulation.sample('nope')).toBeUndefined();
  });
});

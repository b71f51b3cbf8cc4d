/** A source of uniform numbers in [0, 1): Math.random, or a seeded one in tests. */
export type Random = () => number;

export interface Bounds {
  min: number;
  max: number;
}

/**
 * A bounded random walk: each step moves by at most `stepFraction` of the range and reflects
 * off the bounds, so values drift like a real service's instead of jumping at random.
 */
export function randomWalk(bounds: Bounds, stepFraction: number, random: Random): () => number {
  const span = bounds.max - bounds.min;
  let value = bounds.min + span * random();
  return function step() {
    value += (random() * 2 - 1) * span * stepFraction;
    if (value > bounds.max) value = 2 * bounds.max - value;
    if (value < bounds.min) value = 2 * bounds.min - value;
    return value;
  };
}

/** mulberry32: a tiny seeded generator, good enough for simulation and reproducible tests. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

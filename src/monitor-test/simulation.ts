import type { PerformanceIndex } from '../shared/api/metric.js';
import type { AppSpec } from './config.js';
import { randomWalk, type Random } from './random-walk.js';

/**
 * The metric generator. The seed drew independent random numbers per field; here each app has
 * its own set of random walks, one step per sample, and the fields are derived from them so they
 * stay coherent: failRatio = failAmount / accessAmount, minLatency <= avgLatency <= maxLatency.
 * Latencies are whole milliseconds and amounts whole counts, as in the seed's Go types.
 */
export interface Simulation {
  readonly apps: readonly AppSpec[];
  /** The next sample of an app, or undefined for an app that is not configured. */
  sample(appName: string): PerformanceIndex | undefined;
  /** The sample last served for an app (a first one if none was), without a step: for gauges. */
  latest(appName: string): PerformanceIndex | undefined;
}

const STEP = 0.05;

function appWalks(random: Random) {
  return {
    access: randomWalk({ min: 0, max: 2000 }, STEP, random),
    failureRate: randomWalk({ min: 0, max: 0.2 }, STEP, random),
    concurrency: randomWalk({ min: 1, max: 200 }, STEP, random),
    avgLatency: randomWalk({ min: 5, max: 400 }, STEP, random),
    minFactor: randomWalk({ min: 0.1, max: 0.9 }, STEP, random),
    maxFactor: randomWalk({ min: 1.1, max: 5 }, STEP, random),
  };
}

function nextSample(walks: ReturnType<typeof appWalks>): PerformanceIndex {
  const accessAmount = Math.round(walks.access());
  const failAmount = Math.min(accessAmount, Math.round(accessAmount * walks.failureRate()));
  const avgLatency = Math.round(walks.avgLatency());
  return {
    failRatio: accessAmount === 0 ? 0 : failAmount / accessAmount,
    failAmount,
    accessAmount,
    maxConcurrent: Math.round(walks.concurrency()),
    maxLatency: Math.ceil(avgLatency * walks.maxFactor()),
    minLatency: Math.floor(avgLatency * walks.minFactor()),
    avgLatency,
  };
}

export function createSimulation(apps: readonly AppSpec[], random: Random = Math.random): Simulation {
  const walksByApp = new Map(apps.map((app) => [app.name, appWalks(random)]));
  const latestByApp = new Map<string, PerformanceIndex>();
  const sample = (appName: string): PerformanceIndex | undefined => {
    const walks = walksByApp.get(appName);
    if (!walks) return undefined;
    const next = nextSample(walks);
    latestByApp.set(appName, next);
    return next;
  };
  return { apps, sample, latest: (appName) => latestByApp.get(appName) ?? sample(appName) };
}

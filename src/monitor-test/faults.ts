import { setTimeout as sleep } from 'node:timers/promises';
import { trace } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import type { FaultConfig } from './config.js';
import type { Random } from './random-walk.js';

/**
 * Faults on purpose, so that dashboards, alerts, Istio's retries and the agent's timeouts can be
 * watched working, and timed (npm run drill). A fault is an error rate (answered 500, saying so),
 * a delay and a jitter, for every app or for one. FAULT_ERROR_RATE, FAULT_DELAY_MS and
 * FAULT_DELAY_JITTER_MS set the fault every app starts with (the jitter drawn from `random`); at run time the admin port's
 * /faults (fault-admin.ts) replaces and clears them. Each faulty answer's span carries
 * `fault.injected`.
 */
export interface Fault {
  errorRate: number;
  delayMs: number;
  jitterMs: number;
}

/** A fault in force, with its error credit: errorRate is spread evenly over the requests (every
 * 25th fails at 0.04), not drawn by chance, so a window of N requests holds N × errorRate errors
 * give or take one, and a drill's alerts and panels see the rate that was set, without noise. */
interface ActiveFault extends Fault {
  credit: number;
}

interface FaultSet {
  /** The fault of every app, and the app-specific ones that replace it for their app. */
  all: ActiveFault | undefined;
  apps: Map<string, ActiveFault>;
}

const isActive = (fault: Fault): boolean => fault.errorRate > 0 || fault.delayMs > 0 || fault.jitterMs > 0;

export interface Faults {
  /** The middleware for the metric routes; `appOf` names the app a request asks for. */
  middleware(appOf: (ctx: Parameters<Middleware>[0]) => string): Middleware;
  set(fault: Fault, app?: string): void;
  clear(): void;
  active(): { app: string | null; errorRate: number; delayMs: number; jitterMs: number }[];
}

export function createFaults(initial: FaultConfig, random: Random = Math.random): Faults {
  const state: FaultSet = { all: undefined, apps: new Map() };
  let any = false; // the hot path's one check while no fault is set
  const update = () => {
    any = state.all !== undefined || state.apps.size > 0;
  };
  const set = ({ errorRate, delayMs, jitterMs }: Fault, app?: string) => {
    const fault = { errorRate, delayMs, jitterMs, credit: 0 };
    if (app === undefined) state.all = isActive(fault) ? fault : undefined;
    else if (isActive(fault)) state.apps.set(app, fault);
    else state.apps.delete(app);
    update();
  };
  set({ errorRate: initial.errorRate, delayMs: initial.delayMs, jitterMs: initial.delayJitterMs });

  return {
    middleware: (appOf) => {
      const applyFault = async (fault: ActiveFault, ctx: Parameters<Middleware>[0], next: () => Promise<unknown>) => {
        // Only an answer the fault changed is marked: a delayed one, or a failed one.
        const delay = fault.delayMs + Math.round(random() * fault.jitterMs);
        fault.credit += fault.errorRate;
        const fail = fault.credit >= 1 - 1e-9; // 0.1 added ten times is 0.9999999999999999
        if (fail) fault.credit -= 1;
        if (delay > 0 || fail) trace.getActiveSpan()?.setAttribute('fault.injected', true);
        if (delay > 0) await sleep(delay);
        if (fail) ctx.throw(500, 'injected fault', { expose: true });
        await next();
      };
      // Not async itself: with no fault set it hands on next()'s promise instead of wrapping it.
      return function maybeFail(ctx, next) {
        const fault = any ? (state.apps.get(appOf(ctx)) ?? state.all) : undefined;
        return fault ? applyFault(fault, ctx, next) : next();
      };
    },
    set,
    clear() {
      state.all = undefined;
      state.apps.clear();
      update();
    },
    active: () => [...(state.all ? [{ app: null, ...state.all }] : []), ...[...state.apps].map(([app, fault]) => ({ app, ...fault }))].map(({ credit: _, ...fault }) => fault),
  };
}

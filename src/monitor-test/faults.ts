import { setTimeout as sleep } from 'node:timers/promises';
import { trace } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import type { FaultConfig } from './config.js';
import type { Random } from './random-walk.js';

/**
 * Faults on purpose (FAULT_ERROR_RATE, FAULT_DELAY_MS, FAULT_DELAY_JITTER_MS), so that dashboards,
 * alerts, Istio's retries and the agent's timeouts can be watched working. An injected error is a
 * 500 that says so, and its span carries `fault.injected`. Nothing is injected by default, and then
 * there is no middleware at all: the metrics routes are the hot path.
 */
export function injectFaults(faults: FaultConfig, random: Random = Math.random): Middleware[] {
  if (faults.delayMs === 0 && faults.delayJitterMs === 0 && faults.errorRate === 0) return [];
  return [
    async function maybeFail(ctx, next) {
      const delay = faults.delayMs + Math.round(random() * faults.delayJitterMs);
      if (delay > 0) await sleep(delay);
      if (faults.errorRate > 0 && random() < faults.errorRate) {
        trace.getActiveSpan()?.setAttribute('fault.injected', true);
        ctx.throw(500, 'injected fault (FAULT_ERROR_RATE)', { expose: true });
      }
      await next();
    },
  ];
}

/**
 * One drill: healthy traffic through the agent, the scenario's fault set on monitor-test's admin
 * port, the time until each signal sees it, then the fault cleared and the time until the alert
 * and the panel are back. Every signal is polled twice a second; one that does not show within
 * its budget fails the drill, named.
 */
import type { Fault } from '../monitor-test/faults.js';
import type { Scenario, Signal } from './scenarios.js';
import { agentApps, alertStates, exemplarHasFault, exemplarIds, panelQuery, panelValues, serviceGraphEdges } from './signals.js';
import { scaledBudget } from './time-scale.js';

export interface DrillOptions {
  agentUrl: URL;
  prometheusUrl: URL;
  zipkinUrl: URL;
  /** Every monitor-test replica's admin port: each process holds its own faults. */
  adminUrls: URL[];
  /** The time scale of the rules Prometheus runs (npm run drill -- --print-rules --scale N). */
  scale: number;
  /** What the dashboard's $__rate_interval is on this Prometheus. */
  rateInterval: string;
  /** Healthy traffic before the fault, seconds. */
  warmupSeconds: number;
  dashboardFile: URL;
}

export interface SignalResult {
  name: string;
  outcome: 'pass' | 'fail';
  /** Seconds from the fault (or its clearing) until the signal showed. */
  seconds?: number;
  detail: string;
}

export interface DrillReport {
  scenario: string;
  scale: number;
  /** The one app a one-app drill set the fault on; null when it was on every app. */
  app: string | null;
  detection: SignalResult[];
  recovery: SignalResult[];
  /** Responses the drill's traffic got, by status. */
  traffic: Record<string, number>;
}

const POLL_MS = 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (seconds: number) => Math.round(seconds * 10) / 10;

/**
 * Open-loop traffic, as users send it: 25 requests a second whatever the latency (at most 64 in
 * flight), so a slow upstream slows the answers, not the arrivals, and every rate window holds
 * the same number of requests before and during a fault.
 */
const TRAFFIC_PER_SECOND = 25;
const MAX_IN_FLIGHT = 64;

/** Open-loop traffic through the agent: the default app, or each of `apps` in turn. */
function startTraffic(agentUrl: URL, apps: string[] = []): { stop: () => Promise<Record<string, number>> } {
  const statuses: Record<string, number> = {};
  const inFlight = new Set<Promise<void>>();
  const targets = apps.length ? apps.map((app) => new URL(`api/metrics?app=${encodeURIComponent(app)}`, agentUrl)) : [new URL('api/metrics', agentUrl)];
  let sent = 0;
  const send = () => {
    if (inFlight.size >= MAX_IN_FLIGHT) {
      statuses.skipped = (statuses.skipped ?? 0) + 1;
      return;
    }
    const request: Promise<void> = fetch(targets[sent++ % targets.length]!, { signal: AbortSignal.timeout(10_000) })
      .then(async (r) => {
        await r.arrayBuffer();
        return String(r.status);
      })
      .catch(() => 'error')
      .then((status) => {
        statuses[status] = (statuses[status] ?? 0) + 1;
        inFlight.delete(request);
      });
    inFlight.add(request);
  };
  const timer = setInterval(send, 1000 / TRAFFIC_PER_SECOND);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inFlight);
      return statuses;
    },
  };
}

/** A fault as POST /faults takes it: on every app, or on `app` only. */
type TargetedFault = Fault & { app?: string };

/** Sets (or with undefined clears) the fault on every replica, all at once. */
async function setFault(adminUrls: URL[], fault: TargetedFault | undefined): Promise<void> {
  await Promise.all(adminUrls.map((adminUrl) => setReplicaFault(adminUrl, fault)));
}

async function setReplicaFault(adminUrl: URL, fault: TargetedFault | undefined): Promise<void> {
  const url = new URL('faults', adminUrl);
  const response = fault
    ? await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault), signal: AbortSignal.timeout(10_000) })
    : await fetch(url, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`monitor-test's admin port (${url.href}) answered ${response.status}: ${await response.text()}`);
}

/** Polls `seen` until it returns a detail (the signal showed) or the budget is gone. */
async function timeUntil(name: string, budgetSeconds: number, start: number, seen: () => Promise<string | undefined>): Promise<SignalResult> {
  let last = 'not seen';
  while ((Date.now() - start) / 1000 < budgetSeconds) {
    try {
      const detail = await seen();
      if (detail !== undefined) return { name, outcome: 'pass', seconds: round((Date.now() - start) / 1000), detail };
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(POLL_MS);
  }
  return { name, outcome: 'fail', detail: `not seen within ${round(budgetSeconds)} s (${last})` };
}

function watchDetection(signal: Signal, options: DrillOptions, start: number, stopQuiet: Promise<void>, faultApp?: string): Promise<SignalResult> {
  const { prometheusUrl, zipkinUrl, scale } = options;
  switch (signal.kind) {
    case 'alert': {
      let pendingAt: number | undefined;
      return timeUntil(signal.name, scaledBudget(signal.budgetSeconds, scale), start, async () => {
        const states = await alertStates(prometheusUrl, signal.alertname, { severity: signal.severity });
        if (states.has('pending')) pendingAt ??= (Date.now() - start) / 1000;
        if (!states.has('firing')) return undefined;
        return `${signal.alertname}{severity="${signal.severity}"} ${pendingAt === undefined ? 'firing at once (no for:)' : `pending after ${round(pendingAt)} s, firing`}`;
      });
    }
    case 'quiet-alert':
      return (async () => {
        let done = false;
        void stopQuiet.then(() => {
          done = true;
        });
        while (!done) {
          if ((await alertStates(prometheusUrl, signal.alertname).catch(() => new Set<string>())).has('firing')) {
            return {
              name: signal.name,
              outcome: 'fail' as const,
              seconds: round((Date.now() - start) / 1000),
              detail: `${signal.alertname} fired: this fault should be caught by the burn-rate alert alone`,
            };
          }
          await sleep(POLL_MS);
        }
        return { name: signal.name, outcome: 'pass' as const, detail: `${signal.alertname} stayed quiet while the others fired` };
      })();
    case 'exemplar': {
      const checked = new Set<string>();
      return timeUntil(signal.name, scaledBudget(signal.budgetSeconds, scale), start, async () => {
        for (const ids of await exemplarIds(prometheusUrl, start / 1000)) {
          const key = `${ids.traceId}/${ids.spanId}`;
          if (checked.has(key)) continue;
          const fault = await exemplarHasFault(zipkinUrl, ids);
          if (fault) return `exemplar trace ${ids.traceId} in Zipkin carries fault.injected=true`;
          // A span without the tag is settled; one Zipkin does not hold yet is asked again.
          if (fault === false) checked.add(key);
        }
        return undefined;
      });
    }
    case 'graph-edge':
      return timeUntil(signal.name, scaledBudget(signal.budgetSeconds, scale), start, async () => {
        const edge = (await serviceGraphEdges(options.agentUrl, options.rateInterval)).find((e) => e.source === 'k8s-app-monitor-agent' && Number(e.labels['errors/sec']) > 0);
        return edge && `${edge.source} → ${edge.target}: ${Number(edge.labels['errors/sec']).toFixed(2)} errors/s of ${Number(edge.labels['reqs/sec']).toFixed(2)} req/s`;
      });
    case 'app-panel': {
      const query = panelQuery(options.dashboardFile, signal.panel, options.rateInterval);
      return timeUntil(signal.name, scaledBudget(signal.budgetSeconds, scale), start, async () => {
        const values = await panelValues(prometheusUrl, query);
        const others = values.filter((s) => s.legend !== faultApp);
        // Not a pass while another app shows errors too (the detail of a miss says which).
        const leaked = others.find((s) => s.value > 0);
        if (leaked) throw new Error(`${leaked.legend} = ${leaked.value.toPrecision(3)} as well`);
        const mine = values.find((s) => s.legend === faultApp);
        if (!mine || !(mine.value > query.threshold) || others.length === 0) return undefined;
        return `${faultApp} = ${mine.value.toPrecision(3)} > ${query.threshold}; ${others.map((s) => `${s.legend} = ${s.value.toPrecision(3)}`).join(', ')}`;
      });
    }
    case 'panel': {
      const query = panelQuery(options.dashboardFile, signal.panel, options.rateInterval);
      return timeUntil(signal.name, scaledBudget(signal.budgetSeconds, scale), start, async () => {
        const over = (await panelValues(prometheusUrl, query)).find((s) => signal.legend.test(s.legend) && s.value > query.threshold);
        return over && `${over.legend} = ${over.value.toPrecision(3)} > ${query.threshold}`;
      });
    }
  }
}

async function watchRecovery(scenario: Scenario, options: DrillOptions, start: number, faultApp?: string): Promise<SignalResult[]> {
  const budget = scaledBudget(scenario.recoverySeconds, options.scale);
  return Promise.all(
    scenario.signals.flatMap((signal) => {
      if (signal.kind === 'alert') {
        return [
          timeUntil(`${signal.name} resolved`, budget, start, async () =>
            (await alertStates(options.prometheusUrl, signal.alertname, { severity: signal.severity })).size === 0 ? `${signal.alertname} neither pending nor firing` : undefined,
          ),
        ];
      }
      if (signal.kind === 'graph-edge') {
        return [
          timeUntil(`${signal.name} back to none`, budget, start, async () => {
            const edges = (await serviceGraphEdges(options.agentUrl, options.rateInterval)).filter((e) => e.source === 'k8s-app-monitor-agent');
            return edges.length > 0 && edges.every((e) => Number(e.labels['errors/sec']) === 0) ? `${edges.map((e) => `${e.source} → ${e.target}`).join(', ')}: 0 errors/s` : undefined;
          }),
        ];
      }
      if (signal.kind === 'panel' || signal.kind === 'app-panel') {
        const query = panelQuery(options.dashboardFile, signal.panel, options.rateInterval);
        const legend = signal.kind === 'panel' ? signal.legend : { test: (s: string) => s === faultApp };
        return [
          timeUntil(`${signal.name.replace(' over its threshold', '')} back under its threshold`, budget, start, async () => {
            const values = (await panelValues(options.prometheusUrl, query)).filter((s) => legend.test(s.legend));
            return values.length > 0 && values.every((s) => s.value <= query.threshold) ? values.map((s) => `${s.legend} = ${s.value.toPrecision(3)}`).join(', ') : undefined;
          }),
        ];
      }
      return [];
    }),
  );
}

export async function runDrill(scenario: Scenario, options: DrillOptions): Promise<DrillReport> {
  await setFault(options.adminUrls, undefined);
  for (const signal of scenario.signals) {
    if (signal.kind === 'alert' && (await alertStates(options.prometheusUrl, signal.alertname, { severity: signal.severity })).size > 0) {
      throw new Error(`${signal.alertname} is already pending or firing before the fault: wait until it resolves`);
    }
  }
  // A one-app drill asks for every app in turn and sets the fault on the last one.
  const apps = scenario.oneApp ? await agentApps(options.agentUrl) : [];
  if (scenario.oneApp && apps.length < 2) throw new Error(`${scenario.name} needs monitor-test serving two apps or more (APPS); the agent offers ${apps.length}`);
  const faultApp = apps.at(-1);
  const traffic = startTraffic(options.agentUrl, apps);
  try {
    await sleep(options.warmupSeconds * 1000);
    const start = Date.now();
    await setFault(options.adminUrls, faultApp ? { ...scenario.fault, app: faultApp } : scenario.fault);
    let loudDone!: () => void;
    const loud = new Promise<void>((resolve) => {
      loudDone = resolve;
    });
    const watches = scenario.signals.map((signal) => watchDetection(signal, options, start, loud, faultApp));
    const loudWatches = scenario.signals.map((signal, i) => (signal.kind === 'quiet-alert' ? undefined : watches[i])).filter((w) => w !== undefined);
    void Promise.all(loudWatches).then(() => loudDone());
    const detection = await Promise.all(watches);
    const cleared = Date.now();
    await setFault(options.adminUrls, undefined);
    const recovery = await watchRecovery(scenario, options, cleared, faultApp);
    return { scenario: scenario.name, scale: options.scale, app: faultApp ?? null, detection, recovery, traffic: await traffic.stop() };
  } finally {
    await setFault(options.adminUrls, undefined).catch(() => {});
    await traffic.stop();
  }
}

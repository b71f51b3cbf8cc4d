/**
 * The drills: a fault set on monitor-test's admin port, and the signals that must see it, each
 * within its budget (nominal: real rules, divided by --scale for scaled ones).
 * - error-burst: a steady 4% of 5xx. Under K8sAppMonitorHighErrorRatio's 5% (which must stay
 *   quiet) and the paging burn rate's 7.2%: only the availability ticket burn alert catches it.
 * - slow-upstream: monitor-test 400-500 ms slow; the latency SLO (250 ms) burns at once.
 * - one-app: 8% of 5xx for one simulated app only (the last monitor-test lists; the traffic asks
 *   for every app in turn): that app's per-app series shows it, every other app's stays at 0.
 */
import type { Fault } from '../monitor-test/faults.js';

export type Signal =
  | { kind: 'alert'; name: string; alertname: string; severity: string; budgetSeconds: number }
  | { kind: 'quiet-alert'; name: string; alertname: string }
  | { kind: 'exemplar'; name: string; budgetSeconds: number }
  | { kind: 'panel'; name: string; panel: string; legend: RegExp; budgetSeconds: number }
  | { kind: 'graph-edge'; name: string; budgetSeconds: number }
  /** A per-app panel: the faulty app's series over the threshold while every other app's stays 0. */
  | { kind: 'app-panel'; name: string; panel: string; budgetSeconds: number };

export interface Scenario {
  name: string;
  summary: string;
  fault: Fault;
  /** Set the fault on one app only: the last of the agent's /api/apps (which needs two or more). */
  oneApp?: boolean;
  signals: Signal[];
  /** How long after the fault clears the alert and panel must be back, nominal seconds. */
  recoverySeconds: number;
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'error-burst',
    summary: 'a steady 4% of 5xx: caught by the availability ticket burn alert only',
    fault: { errorRate: 0.04, delayMs: 0, jitterMs: 0 },
    signals: [
      // for: 15m, once the 30m window's ratio passes 3% (22 min into a steady 4%): about 40 min nominal.
      { kind: 'alert', name: 'availability burn alert (ticket)', alertname: 'K8sAppMonitorAvailabilitySLOBurn', severity: 'ticket', budgetSeconds: 90 * 60 },
      { kind: 'quiet-alert', name: 'high error ratio alert stays quiet', alertname: 'K8sAppMonitorHighErrorRatio' },
      { kind: 'exemplar', name: 'exemplar → Zipkin trace with fault.injected', budgetSeconds: 5 * 60 },
      { kind: 'panel', name: 'dashboard "Error ratio (5xx)" over its threshold', panel: 'Error ratio (5xx)', legend: /k8s-app-monitor-test/, budgetSeconds: 5 * 60 },
      { kind: 'graph-edge', name: 'service graph edge agent → monitor-test with errors/sec', budgetSeconds: 5 * 60 },
    ],
    recoverySeconds: 45 * 60,
  },
  {
    name: 'slow-upstream',
    summary: 'monitor-test answers in 400-500 ms: the latency SLO burns',
    fault: { errorRate: 0, delayMs: 400, jitterMs: 100 },
    signals: [
      // No for:, once 14.4% of the last hour's requests were slow: about 9 min nominal at a steady rate.
      { kind: 'alert', name: 'latency burn alert (page)', alertname: 'K8sAppMonitorLatencySLOBurn', severity: 'page', budgetSeconds: 30 * 60 },
      { kind: 'exemplar', name: 'exemplar → Zipkin trace with fault.injected', budgetSeconds: 5 * 60 },
      { kind: 'panel', name: 'dashboard "Latency p50 / p95 / p99" p99 over its threshold', panel: 'Latency p50 / p95 / p99', legend: /p99$/, budgetSeconds: 5 * 60 },
    ],
    recoverySeconds: 30 * 60,
  },
  {
    name: 'one-app',
    summary: 'a steady 8% of 5xx for one app only: its per-app series shows it, the other apps do not',
    fault: { errorRate: 0.08, delayMs: 0, jitterMs: 0 },
    oneApp: true,
    signals: [
      { kind: 'app-panel', name: 'dashboard "Error ratio (5xx) per app": the faulty app only', panel: 'Error ratio (5xx) per app', budgetSeconds: 5 * 60 },
      { kind: 'exemplar', name: 'exemplar → Zipkin trace with fault.injected', budgetSeconds: 5 * 60 },
    ],
    recoverySeconds: 30 * 60,
  },
];

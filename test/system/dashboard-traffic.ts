/**
 * The services and traffic every service-dashboard panel needs data from: monitor-test, an agent
 * in front of it, and a second agent whose upstream is down (502s and failed upstream calls for
 * the error panels), with the Prometheus targets that scrape them.
 */
import { freePort, startMonitorAgent, startMonitorTest, type RunningService } from '../helpers/processes.js';

export interface DashboardServices {
  test: RunningService;
  agent: RunningService;
  brokenAgent: RunningService;
  /** Scrape targets for startPrometheus, with the `app` label the dashboards select on. */
  targets: { job: string; app: string; ports: number[] }[];
}

export async function startDashboardServices(env: Record<string, string> = {}, agentEnv: Record<string, string> = {}): Promise<DashboardServices> {
  const test = await startMonitorTest(env);
  const agent = await startMonitorAgent(test.port, { ...env, ...agentEnv });
  const brokenAgent = await startMonitorAgent(await freePort(), env);
  return {
    test,
    agent,
    brokenAgent,
    targets: [
      { job: 'k8s-app-monitor-test', app: 'k8s-app-monitor-test', ports: [test.metricsPort] },
      { job: 'k8s-app-monitor-agent', app: 'k8s-app-monitor-agent', ports: [agent.metricsPort, brokenAgent.metricsPort] },
    ],
  };
}

/** Requests through every route the panels chart (pages, data, unknown apps, a down upstream) for `ms`. */
export async function driveDashboardTraffic({ test, agent, brokenAgent }: DashboardServices, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    await Promise.all([
      fetch(`${agent.url}/k8s-app-monitor-agent/api/metrics`).then((r) => r.arrayBuffer()),
      fetch(`${agent.url}/api/metrics`).then((r) => r.arrayBuffer()),
      fetch(`${test.url}/metrics/no-such-app`).then((r) => r.arrayBuffer()),
      fetch(`${brokenAgent.url}/api/metrics`).then((r) => r.arrayBuffer()),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { Gauge, type Registry, type RegistryContentType } from 'prom-client';
import type { PerformanceIndex } from '../shared/api/metric.js';
import type { Simulation } from './simulation.js';

/**
 * The simulated application metrics as Prometheus series labelled app_name and domain, so Grafana
 * shows over time what the chart shows once. Each scrape reads the sample last served (it does not
 * step the walk); latencies are converted to seconds, the base unit.
 */
const SERIES: [name: string, field: keyof PerformanceIndex, scale: number, help: string][] = [
  ['simulated_app_access_amount', 'accessAmount', 1, 'Requests the simulated app served in its last sample (accessAmount).'],
  ['simulated_app_fail_amount', 'failAmount', 1, 'Failed requests in the last sample (failAmount).'],
  ['simulated_app_fail_ratio', 'failRatio', 1, 'failAmount / accessAmount of the last sample (failRatio).'],
  ['simulated_app_max_concurrent', 'maxConcurrent', 1, 'Peak concurrent requests in the last sample (maxConcurrent).'],
  ['simulated_app_min_latency_seconds', 'minLatency', 0.001, 'Minimum latency in the last sample (minLatency).'],
  ['simulated_app_avg_latency_seconds', 'avgLatency', 0.001, 'Average latency in the last sample (avgLatency).'],
  ['simulated_app_max_latency_seconds', 'maxLatency', 0.001, 'Maximum latency in the last sample (maxLatency).'],
];

export function registerSimulatedMetrics(registry: Registry<RegistryContentType>, simulation: Simulation): void {
  for (const [name, field, scale, help] of SERIES) {
    new Gauge({
      name,
      help,
      labelNames: ['app_name', 'domain'] as const,
      registers: [registry],
      collect() {
        for (const app of simulation.apps) {
          const sample = simulation.latest(app.name);
          if (sample) this.set({ app_name: app.name, domain: app.domain }, sample[field] * scale);
        }
      },
    });
  }
}

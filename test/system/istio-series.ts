/**
 * Istio-shaped series for the two workloads, as OpenMetrics text for
 * `promtool tsdb create-blocks-from openmetrics`: the metric names and label set Istio's proxies
 * emit (istio_requests_total, istio_request_duration_milliseconds), reported by both ends.
 */
const EDGES = [
  { source: 'istio-ingressgateway', sourceNs: 'istio-system', destination: 'k8s-app-monitor-agent', rps: 2, errorShare: 0 },
  { source: 'k8s-app-monitor-agent', sourceNs: 'k8s-app-monitor', destination: 'k8s-app-monitor-test', rps: 2, errorShare: 0.05 },
];
const BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
/** Share of requests under each bucket bound: most take 5–25 ms. */
const UNDER = [0, 0.05, 0.4, 0.9, 0.97, 0.99, 0.995, 0.999, 1, 1, 1, 1];

const labels = (pairs: Record<string, string>) =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

export function istioOpenMetrics(endSeconds: number, minutes: number, stepSeconds: number): string {
  const times: number[] = [];
  for (let t = endSeconds - minutes * 60; t <= endSeconds; t += stepSeconds) times.push(t);
  const requests: string[] = [];
  const durations: string[] = [];
  for (const edge of EDGES) {
    for (const reporter of ['source', 'destination']) {
      const base = {
        reporter,
        source_workload: edge.source,
        source_workload_namespace: edge.sourceNs,
        source_app: edge.source,
        source_principal: `spiffe://cluster.local/ns/${edge.sourceNs}/sa/${edge.source}`,
        destination_workload: edge.destination,
        destination_workload_namespace: 'k8s-app-monitor',
        destination_app: edge.destination,
        destination_version: 'v1',
        destination_service: `${edge.destination}.k8s-app-monitor.svc.cluster.local`,
        destination_service_name: edge.destination,
        request_protocol: 'http',
        connection_security_policy: reporter === 'destination' ? 'mutual_tls' : 'unknown',
      };
      for (const [code, share] of [
        ['200', 1 - edge.errorShare],
        ['503', edge.errorShare],
      ] as const) {
        if (share === 0) continue;
        const series = labels({ ...base, response_code: code, response_flags: '-' });
        for (const [i, t] of times.entries()) requests.push(`istio_requests_total${series} ${(i * stepSeconds * edge.rps * share).toFixed(3)} ${t}`);
      }
      const histogram = { ...base, response_code: '200', response_flags: '-' };
      for (const [j, bound] of BUCKETS.entries()) {
        const series = labels({ ...histogram, le: String(bound) });
        for (const [i, t] of times.entries()) durations.push(`istio_request_duration_milliseconds_bucket${series} ${(i * stepSeconds * edge.rps * UNDER[j]!).toFixed(3)} ${t}`);
      }
      for (const [i, t] of times.entries()) durations.push(`istio_request_duration_milliseconds_bucket${labels({ ...histogram, le: '+Inf' })} ${(i * stepSeconds * edge.rps).toFixed(3)} ${t}`);
      for (const [i, t] of times.entries()) durations.push(`istio_request_duration_milliseconds_sum${labels(histogram)} ${(i * stepSeconds * edge.rps * 12).toFixed(3)} ${t}`);
      for (const [i, t] of times.entries()) durations.push(`istio_request_duration_milliseconds_count${labels(histogram)} ${(i * stepSeconds * edge.rps).toFixed(3)} ${t}`);
    }
  }
  return ['# TYPE istio_requests counter', ...requests, '# TYPE istio_request_duration_milliseconds histogram', ...durations, '# EOF', ''].join('\n');
}

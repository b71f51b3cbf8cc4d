/**
 * `npm run verify`: the seed's verification step against a deployed stack (npm start, compose or a
 * cluster). Checks needing Zipkin or Prometheus are skipped, with the reason, when no URL is given.
 */
import { checkChartPage, checkChartPng, sendTracedRequests } from './agent-checks.js';
import type { VerifyOptions } from './options.js';
import { baselineCounts, checkExemplar, checkRequestSeries, type Counts } from './prometheus-checks.js';
import { fail, skip, type CheckResult } from './report.js';
import { checkServiceGraph } from './servicegraph-check.js';
import { checkTraces } from './zipkin-checks.js';

export async function runChecks(options: VerifyOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => results.push(result);
  const { agentUrl, zipkinUrl, prometheusUrl, requests, timeoutMs } = options;

  let before: Counts | undefined;
  let prometheusError = '';
  if (prometheusUrl) {
    before = await baselineCounts(prometheusUrl).catch((error: Error) => {
      prometheusError = error.message;
      return undefined;
    });
  }

  report(await checkChartPage(agentUrl));
  const { sent, result } = await sendTracedRequests(agentUrl, requests);
  report(result);
  report(await checkChartPng(agentUrl));

  let found: string[] = [];
  let upstreamAddress: string | undefined;
  if (zipkinUrl) {
    const traces = await checkTraces(zipkinUrl, sent, timeoutMs);
    report(traces.result);
    found = traces.found;
    upstreamAddress = traces.upstreamAddress;
  } else report(skip('traces in Zipkin', 'no --zipkin / ZIPKIN_URL given'));

  if (!prometheusUrl) {
    report(skip('request series in Prometheus', 'no --prometheus / PROMETHEUS_URL given'));
    report(skip('latency exemplar → Zipkin', 'no --prometheus / PROMETHEUS_URL given'));
  } else if (!before) {
    report(fail('request series in Prometheus', `Prometheus at ${prometheusUrl.href} did not answer: ${prometheusError}`));
    report(fail('latency exemplar → Zipkin', 'Prometheus did not answer'));
  } else {
    report(await checkRequestSeries(prometheusUrl, before, sent.length || requests, timeoutMs));
    report(await checkExemplar(prometheusUrl, zipkinUrl, found, timeoutMs));
  }
  // The graph is the agent's (from its own PROMETHEUS_URL), so it is asked even without --prometheus.
  report(await checkServiceGraph(agentUrl, upstreamAddress, timeoutMs));
  return results;
}

/**
 * CLI of `npm run drill -- <scenario> --agent URL --prometheus URL --zipkin URL --admin URL[,URL…]
 * [--scale N] [--rate-interval 1m] [--warmup S] [--json]`, or `npm run drill -- --print-rules
 * --scale N` for the rules a drill's Prometheus loads. Prints one line of evidence per signal
 * (or the report as JSON); exits 1 naming the signals that missed their budget, 78 with one line
 * for a bad setting.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, directoryUrl } from '../verify/options.js';
import { runDrill, type DrillReport, type SignalResult } from './run.js';
import { SCENARIOS } from './scenarios.js';
import { scaleRules } from './time-scale.js';

// dist/drill/main.js and src/drill/main.ts both sit two levels below the repository root.
const RULES = new URL('../../k8s/monitoring/k8s-app-monitor.rules.yml', import.meta.url);
const DASHBOARD = new URL('../../dashboards/k8s-app-monitor-services.json', import.meta.url);

function options(argv: string[]) {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        agent: { type: 'string' },
        prometheus: { type: 'string' },
        zipkin: { type: 'string' },
        admin: { type: 'string' },
        scale: { type: 'string', default: '1' },
        'rate-interval': { type: 'string', default: '1m' },
        warmup: { type: 'string', default: '10' },
        json: { type: 'boolean', default: false },
        'print-rules': { type: 'boolean', default: false },
      },
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const scale = Number(values.scale);
  if (!Number.isInteger(scale) || scale < 1 || scale > 3600) throw new ConfigError(`--scale: must be an integer from 1 to 3600, got ${JSON.stringify(values.scale)}`);
  if (values['print-rules']) return { printRules: true as const, scale };
  const names = SCENARIOS.map((s) => s.name);
  const scenario = SCENARIOS.find((s) => s.name === positionals[0]);
  if (!scenario || positionals.length !== 1) throw new ConfigError(`name one scenario: ${names.join(', ')}`);
  const url = (flag: 'agent' | 'prometheus' | 'zipkin') => {
    const value = values[flag];
    if (!value) throw new ConfigError(`--${flag}: required`);
    return directoryUrl(`--${flag}`, value);
  };
  if (!/^\d+[smh]$/.test(values['rate-interval'])) throw new ConfigError(`--rate-interval: a Prometheus duration such as 1m or 4s, got ${JSON.stringify(values['rate-interval'])}`);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(warmup) || warmup < 0 || warmup > 600) throw new ConfigError(`--warmup: seconds from 0 to 600, got ${JSON.stringify(values.warmup)}`);
  return {
    printRules: false as const,
    json: values.json,
    scenario,
    drill: {
      agentUrl: url('agent'),
      prometheusUrl: url('prometheus'),
      // Zipkin's API is at its root; the UI URL (…/zipkin/) is accepted too.
      zipkinUrl: directoryUrl('--zipkin', url('zipkin').href.replace(/\/zipkin\/$/, '/')),
      // One admin URL per monitor-test replica (comma-separated): each holds its own faults.
      adminUrls: (values.admin ?? '').split(',').map((value, i) => {
        if (!value.trim()) throw new ConfigError(i === 0 ? '--admin: required' : '--admin: an empty URL in the list');
        return directoryUrl('--admin', value.trim());
      }),
      scale,
      rateInterval: values['rate-interval'],
      warmupSeconds: warmup,
      dashboardFile: DASHBOARD,
    },
  };
}

const line = (prefix: string, r: SignalResult) => `${r.outcome === 'pass' ? 'PASS' : 'FAIL'} ${prefix} ${r.name}: ${r.seconds === undefined ? '' : `${r.seconds} s, `}${r.detail}`;

function formatDrill(report: DrillReport): string {
  const all = [...report.detection, ...report.recovery];
  const failed = all.filter((r) => r.outcome === 'fail').map((r) => r.name);
  return `${[
    ...report.detection.map((r) => line(`${report.scenario} detect`, r)),
    ...report.recovery.map((r) => line(`${report.scenario} recover`, r)),
    `drill ${report.scenario} (${report.app ? `fault on app ${report.app}; ` : ''}rules at 1/${report.scale} time; traffic ${JSON.stringify(report.traffic)}): ${failed.length ? `FAILED ${failed.join(', ')}` : 'ok'}`,
  ].join('\n')}\n`;
}

try {
  const parsed = options(process.argv.slice(2));
  if (parsed.printRules) {
    process.stdout.write(scaleRules(readFileSync(RULES, 'utf8'), parsed.scale));
  } else {
    if (!parsed.json) process.stdout.write(`drill ${parsed.scenario.name}: ${parsed.scenario.summary}\n`);
    const report = await runDrill(parsed.scenario, parsed.drill);
    process.stdout.write(parsed.json ? `${JSON.stringify(report)}\n` : formatDrill(report));
    process.exitCode = [...report.detection, ...report.recovery].some((r) => r.outcome === 'fail') ? 1 : 0;
  }
} catch (error) {
  if (!(error instanceof ConfigError)) {
    process.stderr.write(`drill: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`drill: ${error.message}\n`);
    process.exitCode = 78;
  }
}

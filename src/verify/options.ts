/**
 * Settings of `npm run verify`: flags first, then the environment (AGENT_URL, ZIPKIN_URL,
 * PROMETHEUS_URL). A bad setting is a ConfigError naming it; the CLI exits 78 with that one line.
 */
import { parseArgs } from 'node:util';

export interface VerifyOptions {
  /** The agent's external URL, as a directory (ends in '/'): the chart page. */
  agentUrl: URL;
  zipkinUrl: URL | undefined;
  prometheusUrl: URL | undefined;
  /** How many traced requests to send through the agent. */
  requests: number;
  /** How long to wait for traces, scrapes and rates to show up. */
  timeoutMs: number;
}

export class ConfigError extends Error {}

/** A base URL as a directory, so relative paths resolve under it (`…/k8s-app-monitor-agent/`). */
export function directoryUrl(setting: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${setting}: not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${setting}: must be http or https, got ${url.protocol}`);
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

function positiveInteger(setting: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ConfigError(`${setting}: must be an integer from 1 to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

const OPTIONS = {
  agent: { type: 'string' },
  zipkin: { type: 'string' },
  prometheus: { type: 'string' },
  requests: { type: 'string' },
  timeout: { type: 'string' },
} as const;

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): VerifyOptions {
  const values = parse(argv);
  const agent = values.agent ?? env.AGENT_URL;
  if (!agent) throw new ConfigError('--agent (or AGENT_URL): the agent URL is required, e.g. http://localhost:8888/');
  const zipkin = values.zipkin ?? env.ZIPKIN_URL;
  const prometheus = values.prometheus ?? env.PROMETHEUS_URL;
  return {
    agentUrl: directoryUrl('--agent', agent),
    // Zipkin's API is at its root; accept the UI URL (…/zipkin/) too.
    zipkinUrl: zipkin ? directoryUrl('--zipkin', zipkin.replace(/\/zipkin\/?$/, '/')) : undefined,
    prometheusUrl: prometheus ? directoryUrl('--prometheus', prometheus) : undefined,
    requests: positiveInteger('--requests', values.requests ?? env.VERIFY_REQUESTS ?? '3', 50),
    timeoutMs: positiveInteger('--timeout', values.timeout ?? env.VERIFY_TIMEOUT_SECONDS ?? '60', 600) * 1000,
  };
}

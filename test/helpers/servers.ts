/**
 * The real servers the system tests use: Zipkin (its exec jar, run with the machine's Java) and
 * Prometheus 3 with its promtool (built from the Go module proxy into the tool cache by
 * infra/tools/prometheus.sh). Missing tools skip those tests locally and fail them under CI=true,
 * where .ci/run must have installed them.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTool, toolsAvailable } from './tools.js';
import { freePort, startCommand, type RunningProcess } from './processes.js';

const CACHED_JAR = fileURLToPath(new URL('../../.cache/zipkin-server-exec.jar', import.meta.url));

/** The Zipkin exec jar: ZIPKIN_JAR, the copy .ci/run caches, or one in the local Maven repository. */
function zipkinJar(): string | undefined {
  if (process.env.ZIPKIN_JAR) return process.env.ZIPKIN_JAR;
  if (existsSync(CACHED_JAR)) return CACHED_JAR;
  const dir = join(homedir(), '.m2/repository/io/zipkin/zipkin-server');
  if (!existsSync(dir)) return undefined;
  const jars = readdirSync(dir)
    .sort()
    .reverse()
    .map((version) => join(dir, version, `zipkin-server-${version}-exec.jar`));
  return jars.find(existsSync);
}

/** Whether the real-tool tests can run; under CI=true a missing tool is an error, not a skip. */
export function realToolsAvailable(): boolean {
  return toolsAvailable([
    { what: 'java', found: findTool('java') !== undefined, install: 'a Java 17 runtime, e.g. apt-get install openjdk-17-jre-headless' },
    { what: 'the zipkin-server exec jar', found: zipkinJar() !== undefined, install: '.ci/run fetches it from Maven Central' },
    { what: 'prometheus', found: findTool('prometheus') !== undefined, install: 'infra/tools/prometheus.sh builds it into the tool cache' },
    { what: 'promtool', found: findTool('promtool') !== undefined, install: 'infra/tools/prometheus.sh builds it into the tool cache' },
  ]);
}

async function waitFor(what: string, proc: RunningProcess, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${what} exited (${proc.child.exitCode}):\n${proc.output().slice(-3000)}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms:\n${proc.output().slice(-3000)}`);
}

export interface Zipkin {
  proc: RunningProcess;
  url: string;
  spansEndpoint: string;
}

/** Zipkin with in-memory storage on a free port (QUERY_PORT); a small heap, fast start-up JIT. */
export async function startZipkin(): Promise<Zipkin> {
  const port = await freePort();
  const proc = startCommand('java', ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-jar', zipkinJar()!], { QUERY_PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('zipkin', proc, async () => (await fetch(`${url}/health`)).ok, 90_000);
  return { proc, url, spansEndpoint: `${url}/api/v2/spans` };
}

export interface Prometheus {
  proc: RunningProcess;
  url: string;
  /** Runs an instant query (now, or at a Unix time) and returns its vector result. */
  query(expr: string, time?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Runs a range query (Unix seconds, a step such as "5s") and returns its matrix result. */
  queryRange(expr: string, start: number, end: number, step: string): Promise<{ metric: Record<string, string>; values: [number, string][] }[]>;
}

async function apiResult<T>(url: string, expr: string): Promise<T> {
  const body = (await (await fetch(url)).json()) as { status: string; error?: string; data: { result: T } };
  if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
  return body.data.result;
}

/**
 * Prometheus scraping the given metrics ports every second, with exemplar storage on. Each target
 * gets the `app` label the dashboards and alerts select on, as the compose Prometheus gives it.
 * `dataDir` may hold blocks backfilled with promtool.
 */
export async function startPrometheus(
  targets: { job: string; app: string; ports: number[] }[],
  options: { port?: number; dataDir?: string; scrapeInterval?: string; rules?: string } = {},
): Promise<Prometheus> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  const scrapeConfigs = targets.map(
    ({ job, app, ports }) =>
      `  - job_name: ${job}\n    scrape_interval: ${options.scrapeInterval ?? '1s'}\n    scrape_timeout: ${options.scrapeInterval ?? '1s'}\n    static_configs:\n      - targets: [${ports.map((p) => `'127.0.0.1:${p}'`).join(', ')}]\n        labels: { app: ${app} }`,
  );
  // Alert rules, when given, are evaluated every second (a drill's rules are time-scaled to match).
  if (options.rules) writeFileSync(join(dir, 'rules.yml'), options.rules);
  const rules = options.rules ? `  evaluation_interval: 1s\nrule_files: [${JSON.stringify(join(dir, 'rules.yml'))}]\n` : '';
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n${rules}scrape_configs:\n${scrapeConfigs.join('\n')}\n`);
  const proc = startCommand(
    findTool('prometheus') ?? 'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${options.dataDir ?? join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--enable-feature=exemplar-storage'],
    {},
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor('prometheus', proc, async () => (await fetch(`${url}/-/ready`)).ok, 30_000);
  return {
    proc,
    url,
    query: (expr, time) => apiResult(`${url}/api/v1/query?query=${encodeURIComponent(expr)}${time ? `&time=${time}` : ''}`, expr),
    queryRange: (expr, start, end, step) => apiResult(`${url}/api/v1/query_range?${new URLSearchParams({ query: expr, start: String(start), end: String(end), step })}`, expr),
  };
}

/**
 * A real Grafana backend (built by infra/tools/grafana.sh: the newest the Go module proxy
 * serves, a 10.0 pre-release of 2023-06-09, without its built frontend) started headless with the
 * project's own provisioning files from compose/grafana — the same files compose mounts — with
 * only the addresses of Prometheus, Zipkin and the dashboards folder changed to this machine's.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ROOT } from '../manifests/objects.js';
import { TOOLS_BIN, toolsAvailable } from '../helpers/tools.js';
import { freePort, startCommand, type RunningProcess } from '../helpers/processes.js';

export const GRAFANA_BIN = join(TOOLS_BIN, 'grafana');
/** conf/ and public/ of the same module version, cached beside the binary. */
export const GRAFANA_HOME = join(TOOLS_BIN, '..', 'grafana');
const PROVISIONING = join(ROOT, 'compose/grafana/provisioning');

/** Whether the Grafana test can run; under CI=true a missing build is an error, not a skip. */
export function grafanaAvailable(): boolean {
  const found = existsSync(GRAFANA_BIN) && existsSync(join(GRAFANA_HOME, 'conf/defaults.ini'));
  return toolsAvailable([{ what: `${GRAFANA_BIN} and its homepath`, found, install: 'infra/tools/grafana.sh builds it' }]);
}

interface DatasourceFile { apiVersion: number; datasources: { uid: string; url: string; [k: string]: unknown }[] }
interface ProviderFile { apiVersion: number; providers: { name: string; folder: string; options: { path: string }; [k: string]: unknown }[] }

export const readDatasources = () => parse(readFileSync(join(PROVISIONING, 'datasources/datasources.yaml'), 'utf8')) as DatasourceFile;
export const readProviders = () => parse(readFileSync(join(PROVISIONING, 'dashboards/dashboards.yaml'), 'utf8')) as ProviderFile;

/**
 * The project's provisioning with only the addresses changed: each datasource's url by uid, and
 * the dashboard provider's path to the repository's dashboards/. The mesh dashboards (which compose
 * does not load: it has no mesh) come in through a copy of the same provider, pointed at istio/dashboards.
 */
function writeProvisioning(dir: string, urls: Record<string, string>): void {
  const datasources = readDatasources();
  for (const ds of datasources.datasources) {
    if (!urls[ds.uid]) throw new Error(`no address for the provisioned datasource ${ds.uid}`);
    ds.url = urls[ds.uid]!;
  }
  const providers = readProviders();
  if (providers.providers.length !== 1) throw new Error('expected one dashboard provider in compose/grafana');
  const [services] = providers.providers;
  services!.options.path = join(ROOT, 'dashboards');
  providers.providers.push({ ...structuredClone(services!), name: `${services!.name}-mesh`, options: { path: join(ROOT, 'istio/dashboards') } });
  for (const sub of ['datasources', 'dashboards', 'plugins', 'notifiers', 'alerting']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'datasources/datasources.yaml'), stringify(datasources));
  writeFileSync(join(dir, 'dashboards/dashboards.yaml'), stringify(providers));
}

export interface Grafana {
  proc: RunningProcess;
  url: string;
  /** A JSON request to Grafana's HTTP API as its admin. */
  api<T = unknown>(path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export async function startGrafana(urls: { prometheus: string; zipkin: string }): Promise<Grafana> {
  const dir = mkdtempSync(join(tmpdir(), 'grafana-'));
  const port = await freePort();
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  writeProvisioning(join(dir, 'provisioning'), urls);
  writeFileSync(join(dir, 'grafana.ini'), [
    '[server]', 'http_addr = 127.0.0.1', `http_port = ${port}`,
    '[paths]', `data = ${join(dir, 'data')}`, `logs = ${join(dir, 'logs')}`, `plugins = ${join(dir, 'plugins')}`, `provisioning = ${join(dir, 'provisioning')}`,
    '[security]', 'admin_user = admin', `admin_password = ${password}`,
    '[analytics]', 'reporting_enabled = false', 'check_for_updates = false', 'check_for_plugin_updates = false',
    '[log]', 'mode = console', 'level = info',
    '[database]', 'wal = true',
  ].join('\n'));
  const proc = startCommand(GRAFANA_BIN, ['server', `--homepath=${GRAFANA_HOME}`, `--config=${join(dir, 'grafana.ini')}`], {});
  void proc.exited.then(() => rmSync(dir, { recursive: true, force: true }));
  const url = `http://127.0.0.1:${port}`;
  const auth = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
  const deadline = Date.now() + 180_000; // first start migrates a new SQLite database: slow on a busy 2-core machine
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`grafana exited (${proc.child.exitCode}):\n${proc.output().slice(-4000)}`);
    const health = await fetch(`${url}/api/health`).then((r) => r.json() as Promise<{ database?: string }>).catch(() => undefined);
    if (health?.database === 'ok') break;
    if (Date.now() > deadline) throw new Error(`grafana not ready after 180 s:\n${proc.output().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return {
    proc,
    url,
    async api(path, body) {
      const response = await fetch(`${url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: auth, 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text for the assertion message
      }
      return { status: response.status, body: parsed as never };
    },
  };
}

/**
 * The cluster test's hands: the environment probe, the provisioning layer (infra/cluster/
 * provision.sh: the local cluster here, kind in GitHub Actions), kubectl, and rendering an
 * overlay with the images the test loaded.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { toolsAvailable } from '../helpers/tools.js';

export { ROOT } from '../helpers/paths.js';
import { ROOT } from '../helpers/paths.js';
const SCRIPTS = `${ROOT}infra/cluster`;

/** Settings from infra/cluster/config.sh (one source of truth for ports and networks). */
export function clusterConfig(): Record<string, string> {
  const out = execFileSync('bash', ['-c', `. ${SCRIPTS}/config.sh && set`], { encoding: 'utf8' });
  const config: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const match = /^(CLUSTER_\w+|PORT_\w+|TOOLS|PAUSE_IMAGE|KUBECONFIG_ADMIN)=(.*)$/.exec(line);
    if (match) config[match[1]!] = match[2]!.replace(/^'(.*)'$/, '$1');
  }
  return config;
}

const PROVIDER = process.env.CLUSTER_PROVIDER ?? 'local';

/**
 * Whether this machine can run the cluster. Locally a missing piece skips the test (after saying
 * exactly what is missing); under CI=true it is an error.
 */
export function clusterAvailable(): boolean {
  const probe = PROVIDER === 'local' ? spawnSync(`${SCRIPTS}/probe.sh`, { encoding: 'utf8' }) : spawnSync('sh', ['-c', 'command -v kind && command -v docker && docker info'], { encoding: 'utf8' });
  const available = toolsAvailable([{ what: 'what the cluster needs', found: probe.status === 0, install: (probe.stderr || probe.stdout).trim() }]);
  if (!available) console.warn(`cluster test skipped:\n${(probe.stderr || probe.stdout).trim()}`);
  return available;
}

function run(command: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  const result = spawnSync(command, args, {
    input: options.input,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 300_000,
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`.slice(0, 6000));
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

export const provision = {
  /** Starts the cluster (phase timings go to stderr); returns the admin's and Traefik's kubeconfigs. */
  up(): { kubeconfig: string; traefikKubeconfig: string } {
    const started = spawnSync(`${SCRIPTS}/provision.sh`, ['up'], { encoding: 'utf8', timeout: 600_000 });
    process.stderr.write(started.stderr);
    if (started.status !== 0) throw new Error(`provision.sh up failed (${started.status ?? started.signal})`);
    const kubeconfig = /^KUBECONFIG=(.*)$/m.exec(started.stdout)?.[1];
    const traefikKubeconfig = /^TRAEFIK_KUBECONFIG=(.*)$/m.exec(started.stdout)?.[1];
    if (!kubeconfig || !traefikKubeconfig) throw new Error(`provision.sh up printed no kubeconfigs:\n${started.stdout}`);
    return { kubeconfig, traefikKubeconfig };
  },
  load(images: string[]): void {
    run(`${SCRIPTS}/provision.sh`, ['load', ...images], { timeoutMs: 600_000 });
  },
  /** Starts a host process recorded for teardown; returns its PID. */
  start(name: string, command: string[], env: NodeJS.ProcessEnv = process.env): number {
    return Number(run(`${SCRIPTS}/provision.sh`, ['start', name, ...command], { env }).stdout.trim());
  },
  down(): void {
    const stopped = spawnSync(`${SCRIPTS}/provision.sh`, ['down'], { encoding: 'utf8', timeout: 300_000 });
    process.stderr.write(stopped.stderr);
  },
};

/** kubectl's JSON: each check walks the few fields it asserts on, so no model is worth its weight here. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type KubeJson = any;

export class Kubectl {
  constructor(readonly kubeconfig: string) {}

  run(args: string[], input?: string, timeoutMs?: number): { stdout: string; stderr: string } {
    return run('kubectl', ['--kubeconfig', this.kubeconfig, ...args], { input, timeoutMs });
  }

  json<T = KubeJson>(args: string[]): T {
    return JSON.parse(this.run([...args, '-o', 'json']).stdout) as T;
  }

  /** Server-side apply; returns kubectl's warnings (the API server's deprecation and policy warnings). */
  apply(yaml: string, extra: string[] = []): string[] {
    const { stderr } = this.run(['apply', '--server-side', '--force-conflicts', '--field-manager', 'k8s-app-monitor-test', '-f', '-', ...extra], yaml);
    return stderr.split('\n').filter((line) => /^Warning:/i.test(line));
  }
}

/** `kubectl kustomize` of a directory, with the app images pinned to `tag` and the Ingress host set. */
export function render(dir: string, tag: string, host?: string): string {
  let yaml = run('kubectl', ['kustomize', `${ROOT}${dir}`]).stdout;
  yaml = yaml.replace(/(image: ghcr\.io\/k8s-app-monitor\/k8s-app-monitor-(?:test|agent)):[^\s@]+/g, `$1:${tag}`);
  // The host the ingress-params Component sets (Ingress rules, Gateway listener, HTTPRoute).
  if (host) yaml = yaml.replaceAll(PARAM_HOST, host);
  return yaml;
}

const PARAM_HOST = /^\s*host: (\S+)$/m.exec(readFileSync(`${ROOT}k8s/components/ingress-params/params.yaml`, 'utf8'))![1]!;

export function shortSha(): string {
  return execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
}

export function sh(command: string, timeoutMs = 600_000): string {
  return run('bash', ['-c', command], { timeoutMs }).stdout;
}

/** Phase timings, printed at the end of the run. */
export class Phases {
  private readonly rows: [string, number][] = [];
  private last = performance.now();
  mark(name: string): void {
    const now = performance.now();
    this.rows.push([name, (now - this.last) / 1000]);
    this.last = now;
  }
  report(): string {
    return this.rows.map(([name, s]) => `cluster test: ${name.padEnd(48)} ${s.toFixed(1).padStart(6)} s`).join('\n');
  }
}

/** One GET, optionally with another Host header (an Ingress host this machine does not resolve). */
export function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {}, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * The keep-alive race with Envoy: a proxy that sends a request on a connection the app is closing
 * gets a reset (`503 UC`). Each service, started with its Deployment's environment, must keep
 * idle connections open longer than Envoy does (the DestinationRules' idleTimeout), wait for
 * headers longer still, and a reset must be retried on every mesh route.
 */
import { readFileSync } from 'node:fs';
import { request, type RequestListener } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readMonitorAgentConfig } from '../../src/monitor-agent/config.js';
import { readMonitorTestConfig } from '../../src/monitor-test/config.js';
import { listen, type Listening } from '../../src/shared/server.js';
import { containers, named, ofKind, parseObjects, ROOT, type K8sObject } from './objects.js';

const read = (path: string) => parseObjects(readFileSync(join(ROOT, path), 'utf8'));
const component = parse(readFileSync(join(ROOT, 'istio/component/kustomization.yaml'), 'utf8')) as { resources: string[] };
const mesh = component.resources.flatMap((file) => read(join('istio/component', file)));
const base = ['k8s/base/k8s-app-monitor-test.yaml', 'k8s/base/k8s-app-monitor-agent.yaml'].flatMap(read);

/** Seconds of an Istio duration ("60s", "1m", "500ms", "1h"). */
function seconds(duration: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  return Number(match[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] as 'ms' | 's' | 'm' | 'h'];
}

/** The Deployment's literal environment, as the container gets it. */
function envOf(deployment: K8sObject): Record<string, string> {
  return Object.fromEntries((containers(deployment)[0].env as { name: string; value?: string }[]).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
}

const READERS = {
  'k8s-app-monitor-test': (env: Record<string, string>) => readMonitorTestConfig(env, 'pod'),
  'k8s-app-monitor-agent': (env: Record<string, string>) => readMonitorAgentConfig(env),
};

/** The Keep-Alive header a client sees on a keep-alive response. */
function keepAliveHeader(port: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, headers: { connection: 'keep-alive' }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers['keep-alive'] as string | undefined));
    })
      .on('error', reject)
      .end();
  });
}

describe.each(Object.keys(READERS) as (keyof typeof READERS)[])('%s behind Envoy', (name) => {
  const servers: Listening[] = [];
  afterAll(() => {
    for (const { server } of servers) server.close();
  });
  const start = async (): Promise<Listening> => {
    const config = READERS[name](envOf(named(base, 'Deployment', name)!));
    const listening = await listen(((_req, res) => res.end('ok')) as RequestListener, 0, '127.0.0.1', config.httpTimeouts);
    servers.push(listening);
    return listening;
  };
  const rule = () => ofKind(mesh, 'DestinationRule').find((r) => r.spec.host === name);

  it('has a DestinationRule that closes idle connections (Envoy keeps them an hour by default)', () => {
    expect(rule(), `DestinationRule for ${name}`).toBeDefined();
    expect(rule()!.spec.trafficPolicy.connectionPool.http.idleTimeout).toMatch(/^\d+(ms|s|m)$/);
  });

  it('keeps idle connections open longer than Envoy, and waits for headers longer still', async () => {
    const { server, port } = await start();
    const envoyIdle = seconds(rule()!.spec.trafficPolicy.connectionPool.http.idleTimeout);
    const keepAlive = server.keepAliveTimeout / 1000;
    const headers = server.headersTimeout / 1000;
    expect(keepAlive, "keepAliveTimeout (s) above the proxy's idleTimeout").toBeGreaterThan(envoyIdle);
    expect(headers, 'headersTimeout above keepAliveTimeout').toBeGreaterThan(keepAlive);
    expect(server.headersTimeout, 'headersTimeout within requestTimeout').toBeLessThanOrEqual(server.requestTimeout);
    // What a client is told: Node advertises its keep-alive timeout.
    expect(await keepAliveHeader(port)).toBe(`timeout=${Math.floor(keepAlive)}`);
  });

  it('has every route to it retry a reset connection', () => {
    const routes = ofKind(mesh, 'VirtualService')
      .flatMap((vs) => vs.spec.http as { route: { destination: { host: string } }[]; retries?: { attempts: number; retryOn: string } }[])
      .filter((route) => route.route.some((r) => r.destination.host === name));
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      expect(route.retries?.attempts).toBeGreaterThan(0);
      expect(route.retries?.retryOn.split(',')).toContain('reset');
    }
  });
});

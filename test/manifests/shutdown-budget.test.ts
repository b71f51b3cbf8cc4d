/**
 * A stop takes up to SHUTDOWN_DELAY_MS + SHUTDOWN_TIMEOUT_MS (drain) + SHUTDOWN_TIMEOUT_MS (span
 * flush). Every place that stops the services must wait longer than that before it kills them,
 * reading the settings with the services' own parser so the arithmetic cannot drift from the code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ALL_IN_ONE } from '../../scripts/render-all-in-one.mjs';
import { longestShutdownMs, readCommonConfig } from '../../src/shared/config.js';
import { containers, KUSTOMIZATIONS, kustomize, ofKind, parseObjects, ROOT, type K8sObject } from './objects.js';
import { kubectl } from '../helpers/tools.js';

interface Container {
  name: string;
  env?: { name: string; value?: string }[];
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
}

const sources: [string, () => K8sObject[]][] = [
  ...(kubectl() ? KUSTOMIZATIONS : []).map((dir): [string, () => K8sObject[]] => [dir, () => parseObjects(kustomize(dir))]),
  [ALL_IN_ONE, () => parseObjects(readFileSync(join(ROOT, ALL_IN_ONE), 'utf8'))],
];

describe.each(sources)('%s', (_name, load) => {
  it('gives every Deployment a grace period longer than delay + drain + flush, and its endpoints time to drop it', () => {
    const deployments = ofKind(load(), 'Deployment');
    expect(deployments.length).toBeGreaterThan(0);
    for (const deployment of deployments) {
      const graceMs = (deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30) * 1000;
      for (const container of containers(deployment) as Container[]) {
        const env = Object.fromEntries((container.env ?? []).map(({ name, value }) => [name, value]));
        const config = readCommonConfig(env, 9464);
        const preStopMs = (container.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
        const where = `${deployment.metadata.name}/${container.name}`;
        expect(preStopMs + longestShutdownMs(config), where).toBeLessThan(graceMs);
        // Endpoints (and every proxy following them) need a few seconds to stop routing here.
        expect(config.shutdownDelayMs, where).toBeGreaterThanOrEqual(5000);
        // The service's own delay replaces the preStop pause; both would only double the wait.
        expect(preStopMs, where).toBe(0);
      }
    }
  });
});

describe('compose', () => {
  it('waits longer than delay + drain + flush before killing a service', () => {
    const file = parse(readFileSync(join(ROOT, 'compose/docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<string, { environment: Record<string, string>; stop_grace_period?: string }>;
    };
    for (const [name, service] of Object.entries(file.services)) {
      const grace = /^(\d+)s$/.exec(service.stop_grace_period ?? '10s');
      expect(grace, name).not.toBeNull();
      expect(longestShutdownMs(readCommonConfig(service.environment, 9464)), name).toBeLessThan(Number(grace![1]) * 1000);
    }
  });
});

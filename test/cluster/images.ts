/**
 * The images the cluster runs: both services built from the unchanged Dockerfile by the private
 * Docker engine (scripts/images/, the "images" part of issue 14), plus the local Zipkin and
 * Prometheus images, tagged for the cluster with the short git SHA.
 */
import { execFileSync } from 'node:child_process';
import { ROOT } from './harness.js';

export interface Images {
  test: string;
  agent: string;
  zipkin: string;
  prometheus: string;
  all: string[];
  /** The same service images under another tag (a rolling update to a new tag). */
  retag(tag: string): Images;
}

const REPOSITORY = 'ghcr.io/k8s-app-monitor';

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
}

function images(tag: string, zipkin: string, prometheus: string): Images {
  const test = `${REPOSITORY}/k8s-app-monitor-test:${tag}`;
  const agent = `${REPOSITORY}/k8s-app-monitor-agent:${tag}`;
  return {
    test,
    agent,
    zipkin,
    prometheus,
    all: [test, agent, zipkin, prometheus],
    retag(next) {
      const retagged = images(next, zipkin, prometheus);
      docker('tag', test, retagged.test);
      docker('tag', agent, retagged.agent);
      return retagged;
    },
  };
}

/** Builds (or reuses, from Docker's cache) every image and tags the services with `tag`. */
export function buildImages(tag: string): Images {
  const built = JSON.parse(execFileSync(`${ROOT}scripts/images/build.sh`, ['--json'], { encoding: 'utf8', timeout: 1_500_000, stdio: ['ignore', 'pipe', 'inherit'] })) as Record<string, string>;
  const result = images(tag, built.zipkin!, built.prometheus!);
  docker('tag', built['k8s-app-monitor-test']!, result.test);
  docker('tag', built['k8s-app-monitor-agent']!, result.agent);
  return result;
}

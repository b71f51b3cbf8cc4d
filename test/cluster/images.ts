/**
 * The images the cluster runs: both services built from the unchanged Dockerfile by the private
 * Docker engine (infra/images/build.sh), tagged with the short git SHA, and the local Zipkin and
 * Prometheus images it makes beside them (infra/images/base-images.sh).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { version } from '../helpers/versions.js';
import { ROOT } from './harness.js';

export interface Images {
  test: string;
  agent: string;
  zipkin: string;
  prometheus: string;
  all: string[];
  /** The same service images under another tag (a rolling update to a new tag). */
  retag(tag: string): Images;
  /** Stops the private engine, by its PID, if buildImages started it. */
  release(): void;
}

const REGISTRY = 'ghcr.io/k8s-app-monitor';

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
}

const DOCKERD = `${ROOT}infra/docker/dockerd.sh`;

function images(tag: string, zipkin: string, prometheus: string, startedEngine = false): Images {
  const test = `${REGISTRY}/k8s-app-monitor-test:${tag}`;
  const agent = `${REGISTRY}/k8s-app-monitor-agent:${tag}`;
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
    release() {
      if (startedEngine) execFileSync(DOCKERD, ['stop'], { stdio: 'inherit' });
    },
  };
}

/** A local image base-images.sh made, at its infra/versions.env version; it must exist. */
function local(name: string, versionKey: string): string {
  const ref = `k8s-app-monitor-local/${name}:${version(versionKey)}`;
  if (spawnSync('docker', ['image', 'inspect', ref], { stdio: 'ignore' }).status !== 0) throw new Error(`no ${ref} image: infra/images/base-images.sh makes it`);
  return ref;
}

/**
 * Builds (Docker's cache makes a rebuild quick) both services tagged `tag`, with the private engine
 * the build script starts; the engine's DOCKER_HOST is kept for `docker save` and `kind load`.
 */
export function buildImages(tag: string): Images {
  const engineWasRunning = spawnSync(DOCKERD, ['status'], { stdio: 'ignore' }).status === 0;
  const out = execFileSync(`${ROOT}infra/images/build.sh`, [], {
    encoding: 'utf8',
    env: { ...process.env, IMAGE_REGISTRY: REGISTRY, IMAGE_TAG: tag },
    timeout: 1_500_000,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const dockerHost = /DOCKER_HOST=(\S+)/.exec(out)?.[1];
  if (dockerHost) process.env.DOCKER_HOST = dockerHost;
  return images(tag, local('zipkin', 'ZIPKIN_VERSION'), local('prometheus', 'PROMETHEUS_VERSION'), !engineWasRunning);
}

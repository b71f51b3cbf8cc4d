/**
 * The images the cluster runs: both services built from the unchanged Dockerfile by the private
 * Docker engine (infra/images/build.sh), tagged with the short git SHA, and the local Zipkin and
 * Prometheus images it makes beside them (infra/images/base-images.sh).
 */
import { execFileSync, spawnSync } from 'node:child_process';
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

/** The newest local image of a repository (the base-images script names them k8s-app-monitor-local/<name>:<version>). */
function local(name: string): string {
  const refs = docker('images', '--format', '{{.Repository}}:{{.Tag}}', `k8s-app-monitor-local/${name}`).trim().split('\n').filter(Boolean);
  if (refs.length === 0) throw new Error(`no k8s-app-monitor-local/${name} image: infra/images/base-images.sh makes it`);
  return refs[0]!;
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
  return images(tag, local('zipkin'), local('prometheus'), !engineWasRunning);
}

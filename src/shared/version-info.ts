/**
 * `GET /version` of both services (podinfo's, for this pair): which build answers. The version
 * and commit come from the image (APP_VERSION, the short SHA it is tagged with, and GIT_COMMIT /
 * BUILD_TIME, build arguments the Dockerfile bakes in), else from dist/build-info.json, which the
 * build step writes from the git checkout; Node's and OpenTelemetry's versions from the running
 * process and the installed packages.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface VersionInfo {
  service: string;
  version: string;
  commit: string | null;
  buildTime: string | null;
  node: string;
  opentelemetry: Record<string, string>;
}

interface BuildInfo {
  commit: string | null;
  buildTime: string | null;
  opentelemetry: Record<string, string>;
}

// dist/shared/version-info.js → dist/build-info.json; run from src/ (unit tests) there is none.
const BUILD_INFO = new URL('../build-info.json', import.meta.url);
const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

export function readVersionInfo(service: string, env: NodeJS.ProcessEnv): VersionInfo {
  const built: BuildInfo = existsSync(BUILD_INFO) ? JSON.parse(readFileSync(BUILD_INFO, 'utf8')) : { commit: null, buildTime: null, opentelemetry: {} };
  const packageVersion = (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }).version;
  return Object.freeze({
    service,
    version: env.APP_VERSION?.trim() || packageVersion,
    commit: env.GIT_COMMIT?.trim() || built.commit,
    buildTime: env.BUILD_TIME?.trim() || built.buildTime,
    node: process.version,
    opentelemetry: built.opentelemetry,
  });
}

/**
 * The metric sample monitor-test sends: its type and the OpenAPI document it is defined in. The
 * document is strict (what we send); the agent reads samples with its own, looser schema
 * (src/monitor-agent/sample-reader.ts), since other servers of the seed API send less.
 */
import openapi from './openapi.json' with { type: 'json' };

export { openapi };

export interface PerformanceIndex {
  failRatio: number;
  failAmount: number;
  accessAmount: number;
  maxConcurrent: number;
  maxLatency: number;
  minLatency: number;
  avgLatency: number;
}

export interface Metric {
  performance_index: PerformanceIndex;
  host: string;
  app_name: string;
  domain: string;
}

const APP_NAME_PATTERN = new RegExp(openapi.components.schemas.AppName.pattern);
const APP_NAME_MAX_LENGTH = openapi.components.schemas.AppName.maxLength;

/** The one app-name rule (openapi.json's AppName), for paths, `?app=`, APPS and app lists alike. */
export const isAppName = (name: unknown): name is string => typeof name === 'string' && name.length >= 1 && name.length <= APP_NAME_MAX_LENGTH && APP_NAME_PATTERN.test(name);
/** The rule in words, for error messages. */
export const APP_NAME_RULE = `1 to ${APP_NAME_MAX_LENGTH} characters of [A-Za-z0-9_.-], not dots only`;

/**
 * The metric sample both services speak: its type and the OpenAPI document it is defined in.
 * The validator compiled from that document lives in metric-validator.ts, which only the agent
 * loads (ajv costs monitor-test start-up time and memory it has no use for).
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

export const APP_NAME_PATTERN = new RegExp(openapi.components.schemas.AppName.pattern);
export const APP_NAME_MAX_LENGTH = openapi.components.schemas.AppName.maxLength;

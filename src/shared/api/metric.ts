/**
 * The metric sample both services speak: its type, and a validator compiled from the one
 * OpenAPI document (so the contract the tests check and the one the agent enforces on
 * untrusted upstream data cannot drift apart).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
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

const ajv = new Ajv2020({ strict: false, allErrors: false });
ajv.addSchema(openapi, 'openapi.json');

/** Compiles the validator of one schema of the document, e.g. `Metric`. */
export function schemaValidator(name: keyof typeof openapi.components.schemas) {
  const validate = ajv.getSchema(`openapi.json#/components/schemas/${name}`);
  if (!validate) throw new Error(`schema ${name} is missing from openapi.json`);
  return validate;
}

const validateMetric = schemaValidator('Metric');

export function isMetric(value: unknown): value is Metric {
  return validateMetric(value) === true;
}

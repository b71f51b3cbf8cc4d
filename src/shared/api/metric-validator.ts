/**
 * A validator for untrusted samples, compiled from the one OpenAPI document, so the contract the
 * tests check and the one the agent enforces on upstream data cannot drift apart.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { openapi, type Metric } from './metric.js';

// validateSchema: false — the document is a constant the tests check against the meta-schema;
// compiling the meta-schema again at every start cost the agent about 60 ms of its start-up.
const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
ajv.addSchema(openapi, 'openapi.json');

/** Compiles the validator of one schema of the document, e.g. `Metric`. */
function schemaValidator(name: keyof typeof openapi.components.schemas) {
  const validate = ajv.getSchema(`openapi.json#/components/schemas/${name}`);
  if (!validate) throw new Error(`schema ${name} is missing from openapi.json`);
  return validate;
}

const validateMetric = schemaValidator('Metric');

export function isMetric(value: unknown): value is Metric {
  return validateMetric(value) === true;
}

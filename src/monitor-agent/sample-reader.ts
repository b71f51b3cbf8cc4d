/**
 * The agent's reader of samples from any server of the seed API: liberal in what it accepts,
 * safe in what it passes on. The OpenAPI document (src/shared/api/openapi.json) stays strict:
 * it describes what our monitor-test sends. This reader's schema (sample-reader.schema.json) is
 * a separate, looser one, because the original Go monitor-test omits maxLatency, reports host ""
 * when HOSTNAME is not exported, and pretty-prints; the README's Endpoints section says why.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import readerSchema from './sample-reader.schema.json' with { type: 'json' };

export interface SamplePerformance {
  failRatio: number;
  failAmount: number;
  accessAmount: number;
  maxConcurrent: number;
  /** Absent when the server does not report it (the original monitor-test never did). */
  maxLatency?: number;
  minLatency: number;
  avgLatency: number;
}

/** A sample as the agent passes it on: only the known fields, host and domain always strings. */
export interface Sample {
  performance_index: SamplePerformance;
  host: string;
  app_name: string;
  domain: string;
}

/** Why an upstream body (a sample or an app list) was not usable; the caller turns it into a 502. */
export class UpstreamDataError extends Error {
  override name = 'UpstreamDataError';
}

/**
 * The agent's one validator instance for upstream data. validateSchema: false — the schemas are
 * constants the tests compile; checking them against the meta-schema at every start cost ~60 ms.
 */
export const readerAjv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
// Compiled on the first sample: start-up (readiness) does not wait for it.
let validate: ReturnType<typeof readerAjv.compile> | undefined;

const JSON_MEDIA_TYPE = /^(application\/([a-z0-9.+-]+\+)?json|text\/plain)$/;
const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

/**
 * Which Content-Types are read as JSON: application/json, any +json type, and text/plain (some
 * servers label JSON so), with no charset or a UTF-8 one in any case (RFC 8259: JSON is UTF-8).
 * An absent header is read too, as the original Go agent did. text/html is refused: that is an
 * error page from a proxy, not a sample.
 */
function checkContentType(contentType: string | undefined): void {
  if (contentType === undefined || contentType.trim() === '') return;
  const [mediaType = '', ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (!JSON_MEDIA_TYPE.test(mediaType)) throw new UpstreamDataError(`the metrics service sent ${mediaType.slice(0, 80) || 'an empty content type'}, not JSON`);
  for (const param of params) {
    const [key, value = ''] = param.split('=').map((s) => s.trim());
    const charset = value.replace(/^"|"$/g, '');
    if (key === 'charset' && !UTF8_CHARSETS.has(charset)) throw new UpstreamDataError(`the metrics service sent JSON in charset ${charset.slice(0, 40)}, not UTF-8`);
  }
}

/** Parses JSON text; any formatting and a UTF-8 byte order mark are fine. */
export function parseJson(body: Buffer | string, contentType: string | undefined): unknown {
  checkContentType(contentType);
  const text = (typeof body === 'string' ? body : body.toString('utf8')).replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch {
    throw new UpstreamDataError(`the metrics service sent invalid JSON (${contentType ?? 'no content type'})`);
  }
}

/**
 * One sample from a response body. Extra fields are dropped (never passed on), a missing
 * maxLatency stays missing, a missing host or domain becomes "". Throws UpstreamDataError for
 * wrong types, missing core values, values out of range and bodies that are not JSON.
 */
export function readSample(body: Buffer | string, contentType: string | undefined): Sample {
  const value = parseJson(body, contentType);
  validate ??= readerAjv.compile(readerSchema);
  if (!validate(value)) throw new UpstreamDataError('the metrics service sent a sample that does not match the schema');
  const raw = value as { performance_index: SamplePerformance; host?: string; app_name: string; domain?: string };
  const p = raw.performance_index;
  const performance: SamplePerformance = {
    failRatio: p.failRatio,
    failAmount: p.failAmount,
    accessAmount: p.accessAmount,
    maxConcurrent: p.maxConcurrent,
    ...(p.maxLatency === undefined ? {} : { maxLatency: p.maxLatency }),
    minLatency: p.minLatency,
    avgLatency: p.avgLatency,
  };
  return { performance_index: performance, host: raw.host ?? '', app_name: raw.app_name, domain: raw.domain ?? '' };
}

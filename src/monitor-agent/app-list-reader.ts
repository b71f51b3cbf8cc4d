/**
 * The reader of monitor-test's `GET /apps` (`{"apps":[{"name","domain"}]}`, the first being the
 * one `GET /metrics` serves). Liberal like the sample reader: extra fields are ignored, a missing
 * domain is "". Names must be app names, since the agent puts them into URLs.
 */
import { openapi } from '../shared/api/metric.js';
import { parseJson, readerAjv, UpstreamDataError } from './sample-reader.js';

export interface AppEntry {
  name: string;
  domain: string;
}

const MAX_APPS = 1000;

const APP_LIST_SCHEMA = {
  type: 'object',
  required: ['apps'],
  properties: {
    apps: {
      type: 'array',
      maxItems: MAX_APPS,
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: openapi.components.schemas.AppName,
          domain: { type: 'string', maxLength: 253 },
        },
      },
    },
  },
};
let validate: ReturnType<typeof readerAjv.compile> | undefined;

export function readAppList(body: Buffer | string, contentType: string | undefined): AppEntry[] {
  const value = parseJson(body, contentType);
  validate ??= readerAjv.compile(APP_LIST_SCHEMA);
  if (!validate(value)) throw new UpstreamDataError('the metrics service sent an app list that does not match the schema');
  return (value as { apps: { name: string; domain?: string }[] }).apps.map(({ name, domain }) => ({ name, domain: domain ?? '' }));
}

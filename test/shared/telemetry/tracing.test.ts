import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serviceResource } from '../../../src/shared/telemetry/tracing.js';

describe('the tracing resource', () => {
  it('names the build by APP_VERSION, the SHA CI bakes into the image and tags it with', () => {
    expect(serviceResource({ APP_VERSION: '4ba6be6' }, 'pod-1').attributes).toEqual({ 'service.version': '4ba6be6', 'host.name': 'pod-1' });
  });

  it("falls back to package.json's version when run outside an image", () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(serviceResource({}, 'laptop').attributes['service.version']).toBe(version);
    expect(serviceResource({ APP_VERSION: ' ' }, 'laptop').attributes['service.version']).toBe(version);
  });
});

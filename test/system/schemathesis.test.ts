/**
 * Schemathesis (from PyPI) against monitor-test's own OpenAPI document, served by the real
 * process: every response must conform (status codes, content types, schemas, headers) and no
 * request may produce a server error. .ci/run installs it; without it this skips locally and
 * fails in CI.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openapi } from '../../src/shared/api/metric.js';
import { requireTool, TOOLS_VENV_BIN } from '../helpers/tools.js';
import { startMonitorTest, stopAll } from '../helpers/processes.js';

const schemathesis = requireTool('schemathesis', 'pip install into the tools venv', TOOLS_VENV_BIN);

describe.skipIf(!schemathesis)('schemathesis against the OpenAPI document', () => {
  it('finds no server error and no response that breaks the document', async () => {
    const test = await startMonitorTest({ APPS: 'test-app:test-domain,checkout:shop' });
    try {
      const result = spawnSync(schemathesis!, ['run', `${test.url}/openapi.json`, '--url', test.url, '--checks', 'all', '--max-examples', '100', '--no-color'], {
        encoding: 'utf8',
        timeout: 240_000,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, SCHEMATHESIS_HOOKS: '' },
      });
      const output = `${result.stdout}${result.stderr}`;
      expect(output, output.slice(-3000)).toMatch(/No issues found/);
      // Every operation of the document is exercised: GET /metrics, /metrics/{appname}, /apps.
      const operations = Object.values(openapi.paths).reduce((n, path) => n + Object.keys(path).length, 0);
      expect(operations).toBe(4);
      expect(output).toMatch(new RegExp(`${operations} selected / ${operations} total`));
      expect(result.status).toBe(0);
    } finally {
      await stopAll();
    }
  }, 300_000);
});

/**
 * CLI of `npm run verify -- --agent URL [--zipkin URL] [--prometheus URL] [--requests N] [--timeout S]`
 * (or AGENT_URL, ZIPKIN_URL, PROMETHEUS_URL). Prints one line per check as it completes and a
 * summary; exits 1 naming the failed checks, 78 with one line for a bad setting.
 */
import { ConfigError, parseOptions } from './options.js';
import { exitCode, formatReport } from './report.js';
import { runChecks } from './run.js';

try {
  const options = parseOptions(process.argv.slice(2), process.env);
  process.stdout.write(`verify: agent ${options.agentUrl.href}, zipkin ${options.zipkinUrl?.href ?? '-'}, prometheus ${options.prometheusUrl?.href ?? '-'}\n`);
  const results = await runChecks(options);
  process.stdout.write(formatReport(results));
  process.exitCode = exitCode(results);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`verify: ${error.message}\n`);
  process.exitCode = 78;
}

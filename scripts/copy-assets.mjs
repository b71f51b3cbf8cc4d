// Build step after tsc: copies each service's public/ folder into dist/, adds the Plotly bundle
// from node_modules (served by the agent itself: clusters are often offline), and writes
// .br/.gz siblings of every text asset so nothing is compressed at request time.
// Compressing Plotly takes a few seconds, so an output newer than its source is kept.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const MIN_COMPRESS_BYTES = 1024;

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true, preserveTimestamps: true });
}

function isFresh(output, source) {
  return existsSync(output) && statSync(output).mtimeMs >= statSync(source).mtimeMs;
}

function compress(path) {
  const source = readFileSync(path);
  if (source.length < MIN_COMPRESS_BYTES) return;
  if (!isFresh(`${path}.br`, path)) {
    writeFileSync(
      `${path}.br`,
      brotliCompressSync(source, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: source.length },
      }),
    );
  }
  if (!isFresh(`${path}.gz`, path)) writeFileSync(`${path}.gz`, gzipSync(source, { level: 9 }));
}

function textAssets(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return textAssets(path);
    return /\.(html|js|css|json|svg)$/.test(entry.name) ? [path] : [];
  });
}

for (const service of ['monitor-test', 'monitor-agent']) {
  copy(join('src', service, 'public'), join('dist', service, 'public'));
}
const plotly = require.resolve('plotly.js-dist');
const plotlyOut = join('dist', 'monitor-agent', 'public', 'vendor', 'plotly.js');
if (!isFresh(plotlyOut, plotly)) copy(plotly, plotlyOut);

for (const service of ['monitor-test', 'monitor-agent']) {
  textAssets(join('dist', service, 'public')).forEach(compress);
}

// The agent's chart font (DejaVu Sans, with its licence): the distroless image has no fonts.
const fontPackage = dirname(require.resolve('dejavu-fonts-ttf/package.json'));
copy(join(fontPackage, 'ttf', 'DejaVuSans.ttf'), join('dist', 'monitor-agent', 'fonts', 'DejaVuSans.ttf'));
copy(join(fontPackage, 'LICENSE'), join('dist', 'monitor-agent', 'fonts', 'LICENSE'));

// What GET /version reports about the build (src/shared/version-info.ts): the commit when built
// from a git checkout (the image's build has no .git: GIT_COMMIT, a build argument, says it), the
// build time, and the OpenTelemetry packages the services run with.
const gitCommit = spawnSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' });
const otelVersion = (name) => JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')).version;
writeFileSync(
  join('dist', 'build-info.json'),
  `${JSON.stringify({
    commit: gitCommit.status === 0 ? gitCommit.stdout.trim() : null,
    buildTime: new Date().toISOString(),
    opentelemetry: Object.fromEntries(['@opentelemetry/api', '@opentelemetry/sdk-node', '@opentelemetry/exporter-zipkin'].map((name) => [name, otelVersion(name)])),
  })}\n`,
);

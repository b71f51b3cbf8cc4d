// The seed's Go agent for the PNG's paired ratio: bench/go-agent (a stand-in drawing the seed's
// chart with the seed's library, go-chart; the seed itself is not served by the Go module proxy)
// built once per run with the machine's Go, then started like our agent, before its own monitor-test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, start } from './harness.mjs';

const SOURCE = fileURLToPath(new URL('go-agent', import.meta.url));
let binary;

/** Builds bench/go-agent into a temporary folder (removed at exit); Go's build cache makes repeats quick. */
function build() {
  if (binary) return binary;
  const dir = mkdtempSync(join(tmpdir(), 'bench-go-agent-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  try {
    execFileSync('go', ['build', '-trimpath', '-o', join(dir, 'go-agent'), '.'], { cwd: SOURCE, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    throw new Error(`the benchmark's scenario 7g needs Go to build bench/go-agent (go build failed: ${error.message})`);
  }
  binary = join(dir, 'go-agent');
  return binary;
}

/** The Go agent on a free port, its upstream monitor-test at `testPort` on loopback; it answers any path. */
export async function startGoAgent(testPort) {
  const port = await freePort();
  const child = start(build(), [], { PORT: String(port), SERVICE_NAME: '127.0.0.1', APP_PORT: String(testPort) });
  return { child, url: `http://127.0.0.1:${port}/` };
}

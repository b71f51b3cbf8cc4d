/**
 * `npm start`: both services on one machine, as the seed's docker-compose test ran them.
 * Ctrl-C (or SIGTERM) stops both cleanly; if one dies, the other is stopped too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exitUnlessSupportedNode } from './shared/node-version.js';

exitUnlessSupportedNode();

const { TEST_PORT = '3000', AGENT_PORT = '8888', TEST_METRICS_PORT = '9464', AGENT_METRICS_PORT = '9465' } = process.env;
const services = [
  { name: 'k8s-app-monitor-test', dir: 'monitor-test', env: { PORT: TEST_PORT, METRICS_PORT: TEST_METRICS_PORT } },
  {
    name: 'k8s-app-monitor-agent',
    dir: 'monitor-agent',
    env: { PORT: AGENT_PORT, METRICS_PORT: AGENT_METRICS_PORT, SERVICE_NAME: 'localhost', APP_PORT: TEST_PORT },
  },
];
const file = (dir: string, name: string): string => fileURLToPath(new URL(`./${dir}/${name}`, import.meta.url));

// Each service preloads its tracing (--import) before its app, with the image's young-generation
// bound (see the Dockerfile).
const children: ChildProcess[] = services.map(({ dir, env }) =>
  spawn(process.execPath, ['--max-semi-space-size=8', '--import', file(dir, 'instrumentation.js'), file(dir, 'main.js')], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  }),
);

let stopping = false;
let exitCode = 0;
function stopAll(): void {
  if (stopping) return;
  stopping = true;
  // SIGTERM, not SIGINT: a terminal's Ctrl-C already reached the children; a second SIGINT
  // would look to them like an impatient user.
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}

children.forEach((child, index) => {
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${services[index]!.name} exited (${signal ?? code}); stopping the other service\n`);
      exitCode = code || 1;
      stopAll();
    }
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
});
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

process.stdout.write(`
  k8s-app-monitor-agent  chart:    http://localhost:${AGENT_PORT}/k8s-app-monitor-agent/
                         metrics:  http://localhost:${AGENT_METRICS_PORT}/metrics
  k8s-app-monitor-test   API:      http://localhost:${TEST_PORT}/metrics   docs: http://localhost:${TEST_PORT}/api.html
                         metrics:  http://localhost:${TEST_METRICS_PORT}/metrics
  Ctrl-C stops both.

`);

/**
 * `npm start`: both services on one machine, as the seed's docker-compose test ran them.
 * Ctrl-C (or SIGTERM) stops both cleanly; if one dies, the other is stopped too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serviceNodeArgs } from './shared/node-command.js';
import { exitUnlessSupportedNode } from './shared/node-version.js';

exitUnlessSupportedNode();

const { TEST_PORT = '3000', AGENT_PORT = '8888', TEST_METRICS_PORT = '9464', AGENT_METRICS_PORT = '9465' } = process.env;
const services = [
  { name: 'k8s-app-monitor-test', dir: 'monitor-test' as const, env: { PORT: TEST_PORT, METRICS_PORT: TEST_METRICS_PORT } },
  {
    name: 'k8s-app-monitor-agent',
    dir: 'monitor-agent' as const,
    env: { PORT: AGENT_PORT, METRICS_PORT: AGENT_METRICS_PORT, SERVICE_NAME: 'localhost', APP_PORT: TEST_PORT },
  },
];
const dist = fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, '');

// Each service as the image runs it: tracing preloaded, the young generation bounded.
const children: ChildProcess[] = services.map(({ dir, env }) =>
  spawn(process.execPath, serviceNodeArgs(dir, dist), {
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

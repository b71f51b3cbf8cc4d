import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadStaticFiles } from '../shared/http/static-files.js';
import { runService } from '../shared/run-service.js';
import { createApp } from './app.js';
import { readMonitorTestConfig } from './config.js';
import { faultAdmin } from './fault-admin.js';
import { createFaults } from './faults.js';
import { createSimulation } from './simulation.js';

await runService({
  name: 'k8s-app-monitor-test',
  readConfig: (env) => readMonitorTestConfig(env, hostname()),
  createApp: (config, parts) => {
    const faults = createFaults(config.faults);
    return {
      handler: createApp(config, {
        ...parts,
        faults,
        simulation: createSimulation(config.apps),
        staticFiles: loadStaticFiles(fileURLToPath(new URL('./public/', import.meta.url))),
      }).callback(),
      admin: faultAdmin(faults, new Set(config.apps.map((app) => app.name))),
    };
  },
});

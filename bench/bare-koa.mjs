// Scenario 4 (and, preloaded with stock-otel.mjs, scenario 3): the same JSON as monitor-test's
// GET /metrics from the same simulation, in a bare Koa app — no telemetry, no logs, no probes.
import Koa from 'koa';
import Router from '@koa/router';
import { hostname } from 'node:os';
import { createSimulation } from '../dist/monitor-test/simulation.js';

const apps = [{ name: 'test-app', domain: 'test-domain' }];
const simulation = createSimulation(apps);
const router = new Router();
router.get('/metrics', (ctx) => {
  ctx.body = { performance_index: simulation.sample('test-app'), host: hostname(), app_name: 'test-app', domain: 'test-domain' };
});
router.get('/readyz', (ctx) => {
  ctx.body = { status: 'ready' };
});
const app = new Koa();
app.use(router.routes());
app.listen(Number(process.env.PORT), '127.0.0.1');

/**
 * The one shape of both services, what each main.ts calls: read the configuration (a bad setting
 * exits 78 with one line), make the parts every service has (logger, readiness, metrics), build
 * the app, listen on its public port and on METRICS_PORT, and shut down in the right order on
 * SIGTERM, SIGINT, SIGHUP or SIGUSR2: fail readiness, wait SHUTDOWN_DELAY_MS, drain, then the
 * service's own release and the span flush (after the drain, or the spans of the drained requests
 * would be lost).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { exitOnBadSetting, orExitOnConfigError, type CommonConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { exitUnlessSupportedNode } from './node-version.js';
import { listen, drain, type Listening } from './server.js';
import { Readiness } from './http/probes.js';
import { metricsEndpoint } from './telemetry/exposition.js';
import { createServiceMetrics, type ServiceMetrics } from './telemetry/metrics.js';
import { shutdownTracing } from './telemetry/tracing-shutdown.js';
import { readVersionInfo, type VersionInfo } from './version-info.js';
import { reportTelemetryWarningsTo } from './telemetry/warnings.js';

/** What every service has, made here and handed to its createApp. */
interface ServiceParts {
  logger: Logger;
  readiness: Readiness;
  metrics: ServiceMetrics;
  /** What GET /version answers. */
  version: VersionInfo;
}

/** What a service's createApp hands back: the public port's handler, and what to release. */
interface BuiltApp {
  /** The Koa app's callback. */
  handler: RequestListener;
  /** The service's own shutdown work, run after the drain (e.g. close upstream connections). */
  release?: () => void;
  /** Routes of the admin port beside GET /metrics: answers and returns true, or returns false. */
  admin?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

export interface ServiceDefinition<C extends CommonConfig & { port: number }> {
  /** The service's name: the logger's, and the spans' (set by the tracing preload). */
  name: string;
  /** Throws ConfigError, naming the setting, on a bad one. */
  readConfig(env: NodeJS.ProcessEnv): C;
  createApp(config: C, parts: ServiceParts): BuiltApp;
}

/** listen()'s codes for a host that does not resolve, or resolves to no interface of this machine. */
const NOT_AN_ADDRESS_HERE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EADDRNOTAVAIL']);

/** The admin port: the service's own admin routes first, then GET /metrics. */
const adminHandler = (metrics: RequestListener, admin: BuiltApp['admin']): RequestListener => (admin ? (request, response) => admin(request, response) || metrics(request, response) : metrics);

export async function runService<C extends CommonConfig & { port: number }>(definition: ServiceDefinition<C>): Promise<void> {
  // Also checked by the tracing preload; this covers a service started without it.
  exitUnlessSupportedNode();
  const { config, parts, app } = orExitOnConfigError(() => {
    const config = definition.readConfig(process.env);
    const parts: ServiceParts = {
      logger: createLogger({ name: definition.name, level: config.logLevel }),
      readiness: new Readiness(),
      metrics: createServiceMetrics(),
      version: readVersionInfo(definition.name, process.env),
    };
    return { config, parts, app: definition.createApp(config, parts) };
  });
  const { logger, readiness, metrics } = parts;
  // Exports run on timers started inside some request; log outside it, not under its trace id.
  reportTelemetryWarningsTo((message, fields) => context.with(ROOT_CONTEXT, () => logger.warn(fields, message)));
  const listeners = [
    { name: 'http', port: config.port, handler: app.handler },
    {
      name: 'metrics',
      port: config.metricsPort,
      handler: adminHandler(
        metricsEndpoint(metrics.registry, (err) => logger.error({ err }, 'collecting metrics failed')),
        app.admin,
      ),
    },
  ];

  const servers: Listening[] = [];
  for (const { name, port, handler } of listeners) {
    try {
      const listening = await listen(handler, port, config.listenHost, config.httpTimeouts);
      servers.push(listening);
      logger.info({ listener: name, port: listening.port }, `listening on port ${listening.port} (${name})`);
    } catch (error) {
      const code = (error as { code?: string }).code ?? String(error);
      // A LISTEN_HOST that is well-formed but no address of this host is a setting's error too.
      if (config.listenHost !== undefined && NOT_AN_ADDRESS_HERE.has(code)) {
        exitOnBadSetting(`LISTEN_HOST must be an address of this host, got ${JSON.stringify(config.listenHost)} (${code})`);
      }
      process.stderr.write(`cannot listen on port ${port}: ${code}\n`);
      process.exit(1);
    }
  }

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    // A second signal must not cut the drain short: the timeout already bounds it.
    if (stopping) return;
    stopping = true;
    logger.info({ signal, delay_ms: config.shutdownDelayMs }, 'shutting down');
    // Readiness fails first while the listener still serves, so load balancers that poll
    // /readyz (and Kubernetes endpoints, which drop a terminating pod) stop sending before it
    // stops accepting. Without this, only a preStop hook would give them that time.
    readiness.markShuttingDown();
    await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
    const clean = await Promise.all(servers.map(({ server }) => drain(server, config.shutdownTimeoutMs)));
    if (!clean.every(Boolean)) logger.warn({ timeout_ms: config.shutdownTimeoutMs }, 'cut connections still open at the shutdown timeout');
    // Flushing spans to a slow or absent collector must not hold the exit past the same bound.
    const flushBound = new Promise<void>((resolve) =>
      setTimeout(() => {
        logger.warn({ timeout_ms: config.shutdownTimeoutMs }, 'gave up flushing at the shutdown timeout');
        resolve();
      }, config.shutdownTimeoutMs).unref(),
    );
    const afterDrain = async () => {
      app.release?.();
      await shutdownTracing();
    };
    await Promise.race([afterDrain().catch((err: unknown) => logger.warn({ err }, 'flush after drain failed')), flushBound]);
    logger.info('stopped');
    // The log destination is asynchronous: exit only once it has written everything.
    logger.flush(() => process.exit(0));
  };
  // SIGHUP (a closed terminal, some supervisors) and SIGUSR2 (nodemon and others) would
  // otherwise end the process at once, without the drain.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR2'] as const) process.on(signal, () => void stop(signal));
}

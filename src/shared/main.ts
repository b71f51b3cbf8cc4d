/**
 * The process side of a service, shared by both main.ts files: parse config, listen, and shut
 * down in the right order on SIGTERM/SIGINT. The only shared module that touches `process`.
 */
import type { RequestListener } from 'node:http';
import { ConfigError, type CommonConfig } from './config.js';
import type { Logger } from './logger.js';
import { exitUnlessSupportedNode } from './node-version.js';
import { listen, drain, type Listening } from './server.js';
import type { Readiness } from './http/probes.js';

export interface ServiceSpec {
  config: CommonConfig;
  logger: Logger;
  readiness: Readiness;
  /** Every port the service serves, e.g. the public one and (later) the metrics port. */
  listeners: { name: string; port: number; handler: RequestListener }[];
  /** Runs after the servers have drained (e.g. flush pending spans). */
  afterDrain?: () => Promise<void>;
}

export async function runService(build: () => ServiceSpec | Promise<ServiceSpec>): Promise<void> {
  // Also checked by the tracing preload; this covers a service started without it.
  exitUnlessSupportedNode();
  let spec: ServiceSpec;
  try {
    spec = await build();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`configuration error: ${error.message}\n`);
    process.exit(78); // EX_CONFIG (sysexits.h)
  }
  const { config, logger, readiness } = spec;

  const servers: Listening[] = [];
  try {
    for (const { name, port, handler } of spec.listeners) {
      const listening = await listen(handler, port, config.listenHost, config.httpTimeouts);
      servers.push(listening);
      logger.info({ listener: name, port: listening.port }, `listening on port ${listening.port} (${name})`);
    }
  } catch (error) {
    const { code, port } = error as { code?: string; port?: number };
    process.stderr.write(`cannot listen on port ${port ?? '?'}: ${code ?? String(error)}\n`);
    process.exit(1);
  }

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    // A second signal must not cut the drain short: the timeout already bounds it.
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    readiness.markShuttingDown();
    const clean = await Promise.all(servers.map(({ server }) => drain(server, config.shutdownTimeoutMs)));
    if (!clean.every(Boolean)) logger.warn({ timeout_ms: config.shutdownTimeoutMs }, 'cut connections still open at the shutdown timeout');
    // Flushing spans to a slow or absent collector must not hold the exit past the same bound.
    const flushBound = new Promise<void>((resolve) => setTimeout(() => {
      logger.warn({ timeout_ms: config.shutdownTimeoutMs }, 'gave up flushing at the shutdown timeout');
      resolve();
    }, config.shutdownTimeoutMs).unref());
    await Promise.race([spec.afterDrain?.().catch((err: unknown) => logger.warn({ err }, 'flush after drain failed')), flushBound]);
    logger.info('stopped');
    // The log destination is asynchronous: exit only once it has written everything.
    logger.flush(() => process.exit(0));
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

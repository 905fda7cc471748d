// The runner: configuration from the environment, logger, listen, graceful shutdown. Everything else is in app.ts.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { loadConfig, type Config } from './config.js';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server.js';
import { openContext, type OpenedContext } from './open-context.js';

/** The metrics listener and the API; whatever listens already is closed again if the other cannot. */
async function listen(config: Config, opened: OpenedContext): Promise<{ app: FastifyInstance; metrics: MetricsServer | null }> {
  const app = await buildApp(opened.ctx, {
    logger: { level: config.EXPERT_DRAW_LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'] },
  });
  app.server.requestTimeout = 30_000;
  app.server.headersTimeout = 10_000;
  app.server.keepAliveTimeout = 5_000;
  let metrics: MetricsServer | null = null;
  try {
    const port = config.EXPERT_DRAW_METRICS_PORT;
    if (port !== 'off') {
      metrics = await startMetricsServer(opened.ctx.metrics, { host: config.EXPERT_DRAW_METRICS_HOST, port }).catch((err: unknown) => {
        throw portProblem(err, 'EXPERT_DRAW_METRICS_HOST', 'EXPERT_DRAW_METRICS_PORT');
      });
    }
    const address = await app.listen({ host: config.EXPERT_DRAW_HOST, port: config.EXPERT_DRAW_PORT }).catch((err: unknown) => {
      throw portProblem(err, 'EXPERT_DRAW_HOST', 'EXPERT_DRAW_PORT');
    });
    // The listening line comes last: whoever waits for it finds the other addresses printed already.
    if (metrics) console.log(`metrics (Prometheus): ${metrics.url}`);
    // Answer links that phones cannot reach fail silently, one expert at a time: say where they point.
    const links = opened.listening((app.server.address() as AddressInfo).port);
    const loopback = /^https?:\/\/(127\.|\[::1\]|localhost[:/])/.test(links);
    console.log(`answer links sent to experts: ${links}/r/…${loopback ? ' (no phone reaches this: set EXPERT_DRAW_PUBLIC_URL)' : ''}`);
    const log = opened.ctx.auditLog;
    console.log(`expert-draw listening on ${address} (pid ${process.pid}, ${config.EXPERT_DRAW_STORE} store, audit log of ${log.size} entries, origin ${log.origin})`);
    console.log(`API docs: ${address}/docs`);
    console.log(`staff console: ${address}/`);
    return { app, metrics };
  } catch (err) {
    await Promise.all([app.close(), metrics?.close()]);
    throw err;
  }
}

/** A listen error that says which setting to change. */
function portProblem(err: unknown, hostVar: string, portVar: string): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'EADDRINUSE') return new Error(`the address is in use (${(err as Error).message}): set ${portVar} to a free port`);
  if (code === 'EADDRNOTAVAIL' || code === 'EACCES') return new Error(`cannot listen there (${(err as Error).message}): check ${hostVar} and ${portVar}`);
  return err;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const opened = await openContext(config, {
    onKeysGenerated: (files) => console.log(`generated development keys (never use them in production):\n  ${files.join('\n  ')}\n`),
    schedule: true,
    index: true,
  });
  // A start that fails after the store is open closes it again, so that the process ends with its message.
  const { app, metrics } = await listen(config, opened).catch(async (err: unknown) => {
    await opened.close().catch(() => undefined);
    throw err;
  });
  const log = opened.ctx.auditLog;
  if (log.integrity) console.error(`the audit log fails its self-check at index ${log.integrity.index}: ${log.integrity.reason}; draws are refused`);
  if (config.EXPERT_DRAW_MODE === 'development') {
    console.log('first administrator: npm run -s cli -- users add --role admin --username admin --name 管理员 --generate   (then: POST /v1/session)');
    console.log('machine token: npm run -s cli -- token issue --role admin --subject you   (then: curl -H "Authorization: Bearer $TOKEN" …)');
  }
  onSignals(async () => {
    // New requests get 503 and the scheduler starts no further draw; what is under way finishes with its appends.
    await Promise.all([app.close(), opened.stop(), metrics?.close()]);
    // Then the log (pending appends, a final checkpoint) and the store.
    await opened.close();
  }, config.EXPERT_DRAW_SHUTDOWN_GRACE_MS);
}

/**
 * SIGTERM (systemd, Docker, Kubernetes) and SIGINT shut down gracefully: `stop` runs once; the process exits 0 when it
 * has finished. A second signal, or the grace time running out, exits at once with code 1.
 */
function onSignals(stop: () => Promise<void>, graceMs: number): void {
  let closing = false;
  const handle = (signal: NodeJS.Signals) => {
    if (closing) {
      console.error(`expert-draw: ${signal} again: exiting without waiting for the shutdown`);
      process.exit(1);
    }
    closing = true;
    console.log(`expert-draw: ${signal}: shutting down; requests and draws under way finish first`);
    setTimeout(() => {
      console.error(`expert-draw: still shutting down after ${graceMs} ms (EXPERT_DRAW_SHUTDOWN_GRACE_MS): exiting`);
      process.exit(1);
    }, graceMs).unref();
    stop().then(
      () => {
        console.log('expert-draw: stopped');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`expert-draw: shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}

try {
  await main();
} catch (err) {
  // Configuration and key problems print as one line that says what to do, not as a stack trace.
  console.error(`expert-draw: ${startFailure(err)}`);
  process.exitCode = 1;
}

/**
 * What a failed start says. AES-GCM refusing to open sealed data at start means the sealing key is not the one the
 * store's data was sealed with (keys replaced or mixed up between instances): said so, rather than OpenSSL's words.
 */
function startFailure(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  if (text === 'Unsupported state or unable to authenticate data') {
    return 'sealed data of this store does not open with the sealing key (keys/sealing.pem): the key is not the one it was sealed with (keys replaced, or data sealed by another instance\'s key); start with the instance\'s own keys folder (docs/backups.md "Keys")';
  }
  return text;
}

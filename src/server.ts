// The runner: configuration from the environment, logger, listen, graceful shutdown. Everything else is in app.ts.
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openContext } from './open-context.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const opened = await openContext(config, {
    onKeysGenerated: (files) => console.log(`generated development keys (never use them in production):\n  ${files.join('\n  ')}\n`),
    schedule: true,
  });
  const app = await buildApp(opened.ctx, {
    logger: { level: config.EXPERT_DRAW_LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'] },
  });
  app.server.requestTimeout = 30_000;
  app.server.headersTimeout = 10_000;
  app.server.keepAliveTimeout = 5_000;
  const address = await app.listen({ host: config.EXPERT_DRAW_HOST, port: config.EXPERT_DRAW_PORT });
  const log = opened.ctx.auditLog;
  console.log(`expert-draw listening on ${address} (pid ${process.pid}, ${config.EXPERT_DRAW_STORE} store, audit log of ${log.size} entries, origin ${log.origin})`);
  console.log(`API docs: ${address}/docs`);
  if (log.integrity) console.error(`the audit log fails its self-check at index ${log.integrity.index}: ${log.integrity.reason}; draws are refused`);
  if (config.EXPERT_DRAW_MODE === 'development') {
    console.log('development token: npm run -s cli -- token issue --role admin --subject you   (then: curl -H "Authorization: Bearer $TOKEN" …)');
  }
  onSignals(async () => {
    // New requests get 503 and the scheduler starts no further draw; what is under way finishes with its appends.
    await Promise.all([app.close(), opened.stop()]);
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
  console.error(`expert-draw: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}

// The runner: configuration from the environment, logger, listen, graceful shutdown. Everything else is in app.ts.
import type { AddressInfo } from 'node:net';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openContext } from './open-context.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const opened = await openContext(config, {
    onKeysGenerated: (files) => console.log(`generated development keys (never use them in production):\n  ${files.join('\n  ')}\n`),
    schedule: true,
    index: true,
  });
  const app = await buildApp(opened.ctx, {
    logger: { level: config.EXPERT_DRAW_LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'] },
  });
  app.server.requestTimeout = 30_000;
  app.server.headersTimeout = 10_000;
  app.server.keepAliveTimeout = 5_000;
  const address = await app.listen({ host: config.EXPERT_DRAW_HOST, port: config.EXPERT_DRAW_PORT });
  const log = opened.ctx.auditLog;
  console.log(`expert-draw listening on ${address} (${config.EXPERT_DRAW_STORE} store, audit log of ${log.size} entries, origin ${log.origin})`);
  console.log(`API docs: ${address}/docs`);
  // Answer links that phones cannot reach fail silently, one expert at a time: say where they point.
  const links = opened.listening((app.server.address() as AddressInfo).port);
  const loopback = /^https?:\/\/(127\.|\[::1\]|localhost[:/])/.test(links);
  console.log(`answer links sent to experts: ${links}/r/…${loopback ? ' (no phone reaches this: set EXPERT_DRAW_PUBLIC_URL)' : ''}`);
  if (log.integrity) console.error(`the audit log fails its self-check at index ${log.integrity.index}: ${log.integrity.reason}; draws are refused`);
  if (config.EXPERT_DRAW_MODE === 'development') {
    console.log('first administrator: npm run -s cli -- users add --role admin --username admin --name 管理员 --generate   (then: POST /v1/session)');
    console.log('machine token: npm run -s cli -- token issue --role admin --subject you   (then: curl -H "Authorization: Bearer $TOKEN" …)');
  }
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await opened.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

try {
  await main();
} catch (err) {
  // Configuration and key problems print as one line that says what to do, not as a stack trace.
  console.error(`expert-draw: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}

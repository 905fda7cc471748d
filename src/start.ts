// npm start: until the HTTP service lands, one complete draw on a synthetic pool, committed to the durable audit log
// under this instance's keys (generated on first start in development).
import { AuditLog } from './log/audit-log.js';
import { loadConfig } from './config.js';
import { loadKeys } from './crypto/keys.js';
import { openStore } from './store/open-store.js';
import { runDemo } from './demo.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const keys = loadKeys({
    dir: config.EXPERT_DRAW_KEYS_DIR,
    origin: config.EXPERT_DRAW_LOG_ORIGIN,
    generateMissing: config.EXPERT_DRAW_MODE === 'development',
    onGenerated: (files) => console.log(`generated development keys (never use them in production):\n  ${files.join('\n  ')}\n`),
  });
  const store = await openStore(config);
  const log = await AuditLog.open({ store, signer: keys.logSigner, verifier: keys.logVerifier, checkpointIntervalMs: config.EXPERT_DRAW_CHECKPOINT_INTERVAL_MS });
  console.log(`expert-draw — ${config.EXPERT_DRAW_STORE} store (${config.EXPERT_DRAW_STORE === 'sqlite' ? config.EXPERT_DRAW_DATA_DIR : 'Redis'}), audit log of ${log.size} entries, origin ${log.origin}`);
  if (log.integrity) {
    console.error(`the audit log fails its self-check at index ${log.integrity.index}: ${log.integrity.reason}\ndraws are refused until it is repaired; run \`npm run cli -- log verify\` for the full report`);
    process.exitCode = 1;
  } else {
    console.log('The HTTP service is not built yet; this is the draw engine on a synthetic pool, logged for real.\n');
    await runDemo({ size: 10_000, seed: 'demo', count: 3, log }, (line) => console.log(line));
    console.log('\nMore: `npm run cli -- demo --help`, `npm run cli -- log verify`, `npm test`, `npm run bench -- --suite engine`, docs/draw-proof.md.');
  }
  await log.close();
  await store.close();
}

try {
  await main();
} catch (err) {
  // Configuration and key problems print as one line that says what to do, not as a stack trace.
  console.error(`expert-draw: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}

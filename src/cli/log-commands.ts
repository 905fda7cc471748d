// `expert-draw log verify`: re-verifies a whole stored log and names the first index where it breaks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { KEY_FILES } from '../instance-keys.js';
import { NoteVerifier } from '../log/note.js';
import { verifyLog } from '../log/verify.js';
import { RedisStore } from '../store/redis-store.js';
import { SQLITE_FILE } from '../store/open-store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { progressBar } from './progress.js';

interface VerifyOpts {
  dataDir?: string;
  redis?: string;
  redisPrefix?: string;
  keysDir?: string;
  verifierKey?: string;
  origin?: string;
  quiet?: boolean;
}

export function registerLogCommands(program: Command): void {
  const log = program.command('log').description('audit log tools');
  log
    .command('verify')
    .description('re-verify the whole log: hash chain, tree, every checkpoint signature, consistency between checkpoints')
    .option('--data-dir <dir>', 'SQLite data folder (default: EXPERT_DRAW_DATA_DIR or ./data)')
    .option('--redis <url>', 'verify the log in this Redis instead')
    .option('--redis-prefix <prefix>', 'Redis key prefix (default: EXPERT_DRAW_REDIS_PREFIX or expert-draw:)')
    .option('--keys-dir <dir>', `folder holding ${KEY_FILES.logVerifier} (default: EXPERT_DRAW_KEYS_DIR or ./keys)`)
    .option('--verifier-key <key>', 'the log verifier key (name+id+key) instead of the keys folder')
    .option('--origin <origin>', 'checkpoint origin (default: EXPERT_DRAW_LOG_ORIGIN)')
    .option('--quiet', 'no progress bar')
    .action(async (opts: VerifyOpts) => {
      const config = loadConfig();
      const verifierKey = opts.verifierKey ?? readFileSync(join(opts.keysDir ?? config.EXPERT_DRAW_KEYS_DIR, KEY_FILES.logVerifier), 'utf8').trim();
      const verifier = NoteVerifier.fromKey(verifierKey);
      const origin = opts.origin ?? config.EXPERT_DRAW_LOG_ORIGIN;
      const store: Store = opts.redis
        ? await RedisStore.open({ connection: { url: opts.redis }, prefix: opts.redisPrefix ?? config.EXPERT_DRAW_REDIS_PREFIX, requireDurable: false })
        : new SqliteStore({ file: join(opts.dataDir ?? config.EXPERT_DRAW_DATA_DIR, SQLITE_FILE) });
      const bar = opts.quiet ? null : progressBar('verifying');
      const started = performance.now();
      try {
        const report = await verifyLog({ store, verifier, origin, onProgress: (d, t) => bar?.update(d, t) });
        bar?.done();
        const seconds = ((performance.now() - started) / 1000).toFixed(2);
        if (report.ok) {
          console.log(`OK: ${report.size} entries and ${report.checkpoints} checkpoints verified in ${seconds} s (origin ${origin})`);
        } else {
          console.log(`BROKEN at index ${report.failure!.index}: ${report.failure!.reason}`);
          process.exitCode = 1;
        }
      } finally {
        await store.close();
      }
    });
}

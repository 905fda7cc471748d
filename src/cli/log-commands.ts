// `expert-draw log verify`: re-verifies a whole stored log and names the first index where it breaks.
// `expert-draw log watch`: an inspector keeps the log's checkpoints and proves each new one consistent with them.
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
import { LogApi, readVerifierKey } from './inspector.js';
import { watchPass } from './log-watch.js';
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

interface WatchOpts {
  url: string;
  keep: string;
  verifierKey: string;
  origin?: string;
  token?: string;
  once?: boolean;
  interval: string;
}

/** Exit codes of `log watch`: a fork is 1; a pass that could not decide (with --once) is 2. */
const FORK_EXIT = 1;
const ERROR_EXIT = 2;

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

  log
    .command('watch')
    .description('keep every checkpoint the log publishes and prove each new one consistent with the kept ones; a fork is reported with both notes and exits 1')
    .requiredOption('--url <url>', 'the service, e.g. https://draw.example-centre.gov.cn')
    .requiredOption('--keep <dir>', 'folder of kept checkpoints (one <size>.note each; forks under forks/)')
    .requiredOption('--verifier-key <key>', 'the log verifier key (name+id+key), or a file holding it (log-signer.vkey)')
    .option('--origin <origin>', 'checkpoint origin (default: the verifier key’s name)')
    .option('--token <token>', 'an inspector’s or supervisor’s access token (default: EXPERT_DRAW_TOKEN)')
    .option('--once', 'one pass, then exit: 0 kept or unchanged, 1 fork, 2 could not decide')
    .option('--interval <seconds>', 'seconds between passes', '60')
    .action(async (opts: WatchOpts) => {
      const verifier = NoteVerifier.fromKey(readVerifierKey(opts.verifierKey));
      const interval = Number(opts.interval);
      if (!(interval > 0)) throw new Error('--interval must be a positive number of seconds');
      const watch = {
        api: new LogApi(opts.url, opts.token ?? process.env.EXPERT_DRAW_TOKEN),
        dir: opts.keep,
        verifier,
        origin: opts.origin ?? verifier.name,
        print: (line: string) => console.log(`${new Date().toISOString()} ${line}`),
        printText: (text: string) => console.log(text),
      };
      for (;;) {
        const outcome = await watchPass(watch);
        if (outcome === 'fork') {
          process.exitCode = FORK_EXIT;
          return;
        }
        if (opts.once) {
          process.exitCode = outcome === 'error' ? ERROR_EXIT : 0;
          return;
        }
        // An error (the service down, a bad answer) is reported and the next pass tries again.
        await new Promise((r) => setTimeout(r, interval * 1000));
      }
    });
}

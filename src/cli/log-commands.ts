// `expert-draw log verify`: re-verifies a whole stored log and names the first index where it breaks.
// `expert-draw log watch`: an inspector keeps the log's checkpoints and proves each new one consistent with them.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import { KEY_FILES } from '../instance-keys.js';
import { NoteVerifier } from '../log/note.js';
import type { Store } from '../store/store.js';
import { examples } from './examples.js';
import { progressBar } from './progress.js';
import { verifierKeyText } from './verifier-key.js';

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

interface ArchiveMarkerOpts {
  reason: string;
  dataDir?: string;
  keysDir?: string;
  verifierKey?: string;
}

/** Exit codes of `log watch`: a fork is 1; a pass that could not decide (with --once) is 2. */
const FORK_EXIT = 1;
const ERROR_EXIT = 2;

/**
 * The store whose log is verified, as found: never a new, empty one. A data folder without the database, or a Redis
 * prefix without a log, is refused, naming where it looked (a shell without EXPERT_DRAW_DATA_DIR looks in ./data).
 */
async function openLogStore(opts: VerifyOpts, config: Config): Promise<Store> {
  const { redisConnection, SQLITE_FILE } = await import('../store/open-store.js');
  const redis = opts.redis !== undefined || (opts.dataDir === undefined && config.EXPERT_DRAW_STORE === 'redis');
  if (!redis) {
    const dir = resolve(opts.dataDir ?? config.EXPERT_DRAW_DATA_DIR);
    if (!existsSync(join(dir, SQLITE_FILE))) {
      throw new Error(`no store in ${dir} (${SQLITE_FILE} is missing): give --data-dir, or set EXPERT_DRAW_DATA_DIR, to the service's data folder`);
    }
    const { SqliteStore } = await import('../store/sqlite-store.js');
    return new SqliteStore({ file: join(dir, SQLITE_FILE) });
  }
  const prefix = opts.redisPrefix ?? config.EXPERT_DRAW_REDIS_PREFIX;
  const { RedisStore } = await import('../store/redis-store.js');
  const store = await RedisStore.open({ connection: opts.redis !== undefined ? { url: opts.redis } : redisConnection(config), prefix, requireDurable: false });
  if ((await store.logSize()) === 0) {
    await store.close();
    throw new Error(`no log under the Redis prefix "${prefix}"${opts.redis !== undefined ? ` at ${opts.redis}` : ''}: give --redis-prefix (EXPERT_DRAW_REDIS_PREFIX) of the service; or the server holds no data (a restored dump.rdb loads only with appendonly off: docs/backups.md)`);
  }
  return store;
}

export function registerLogCommands(program: Command): void {
  const log = program.command('log').description('audit log tools');
  log
    .command('verify')
    .description('re-verify the whole log: hash chain, tree, every checkpoint signature, consistency between checkpoints')
    .option('--data-dir <dir>', 'SQLite data folder (default: EXPERT_DRAW_DATA_DIR or ./data)')
    .option('--redis <url>', 'verify the log in this Redis (default when EXPERT_DRAW_STORE=redis: the configured Redis)')
    .option('--redis-prefix <prefix>', 'Redis key prefix (default: EXPERT_DRAW_REDIS_PREFIX or expert-draw:)')
    .option('--keys-dir <dir>', `folder holding ${KEY_FILES.logVerifier} (default: EXPERT_DRAW_KEYS_DIR or ./keys)`)
    .option('--verifier-key <key>', `the log verifier key (name+id+key), or a file holding it (${KEY_FILES.logVerifier}), instead of the keys folder`)
    .option('--origin <origin>', 'checkpoint origin (default: EXPERT_DRAW_LOG_ORIGIN)')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', examples(
      'expert-draw log verify                                   # in the service\'s folder: ./data and ./keys',
      'expert-draw log verify --data-dir /var/lib/expert-draw --keys-dir /etc/expert-draw/keys',
      'expert-draw log verify --redis redis://:secret@10.0.0.7:6379 --verifier-key log-signer.vkey --origin draw.example-centre.gov.cn/log',
    ))
    .action(async (opts: VerifyOpts) => {
      const [{ loadConfig }, { verifyLog }] = await Promise.all([import('../config.js'), import('../log/verify.js')]);
      const config = loadConfig();
      const verifier = NoteVerifier.fromKey(verifierKeyText(opts.verifierKey, opts.keysDir ?? config.EXPERT_DRAW_KEYS_DIR));
      const origin = opts.origin ?? config.EXPERT_DRAW_LOG_ORIGIN;
      const store = await openLogStore(opts, config);
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
    .command('archive-marker')
    .description('let this instance start on a store whose log is behind the tree it signed (a store restored from an older backup, or a new log on purpose): archives its log marker; the next start records it in the log')
    .requiredOption('--reason <text>', 'why (kept in the archived marker and in the log entry at the next start)')
    .option('--data-dir <dir>', 'the instance\'s data folder, where its marker is (default: EXPERT_DRAW_DATA_DIR or ./data)')
    .option('--keys-dir <dir>', `folder holding ${KEY_FILES.logVerifier} (default: EXPERT_DRAW_KEYS_DIR or ./keys)`)
    .option('--verifier-key <key>', `the log verifier key (name+id+key), or a file holding it (${KEY_FILES.logVerifier}), instead of the keys folder`)
    .addHelpText('after', examples(
      'expert-draw log archive-marker --reason "Redis restored from the AOF of 2026-12-03 after a disk failure"',
      'expert-draw log archive-marker --data-dir /var/lib/expert-draw --reason "new log: test data removed before going live"',
    ))
    .action(async (opts: ArchiveMarkerOpts) => {
      const [{ loadConfig }, marker, { openStore, SQLITE_FILE }] = await Promise.all([import('../config.js'), import('../log/log-marker.js'), import('../store/open-store.js')]);
      const reason = opts.reason.trim();
      if (reason.length < 2 || reason.length > 500) throw new Error('--reason must say why, in 2 to 500 characters');
      const loaded = loadConfig();
      const config = { ...loaded, EXPERT_DRAW_DATA_DIR: opts.dataDir ?? loaded.EXPERT_DRAW_DATA_DIR };
      const verifier = NoteVerifier.fromKey(verifierKeyText(opts.verifierKey, opts.keysDir ?? config.EXPERT_DRAW_KEYS_DIR));
      const dir = resolve(config.EXPERT_DRAW_DATA_DIR);
      const storeName = marker.storeIdentity(config);
      const logKey = marker.logKeyIdentity(verifier);
      const marked = marker.markerOf(dir, storeName, logKey);
      if (!marked) throw new Error(`no log marker of this store (${storeName}) and log key (${verifier.name}) in ${dir}: nothing to archive; the service starts as it is`);
      // A deleted SQLite file is not made again here: the store is then empty.
      const sqliteMissing = config.EXPERT_DRAW_STORE === 'sqlite' && !existsSync(join(dir, SQLITE_FILE));
      const store = sqliteMissing ? null : await openStore(config);
      let storeSize = 0;
      try {
        if (store) storeSize = await store.logSize();
        if ((await marker.behindMarker(store, marked)) === null) throw new Error(`the store holds the tree the log marker names (${marked.size} entries, ${marked.at}): nothing to archive; the service starts as it is`);
      } finally {
        await store?.close();
      }
      await marker.archiveMarker({ dir, store: storeName, logKey, storeSize, command: 'archive-marker', reason });
      console.log(`archived the log marker of ${storeName}: this instance had signed or seen ${marked.size} entries (${marked.at}); the store holds ${storeSize}.`);
      console.log('the next start accepts the store as it is and records the archived marker in the log (log.marker-archived).');
    });

  log
    .command('watch')
    .description('keep every checkpoint the log publishes and prove each new one consistent with the kept ones; a fork is reported with both notes and exits 1')
    .requiredOption('--url <url>', 'the service, e.g. https://draw.example-centre.gov.cn')
    .requiredOption('--keep <dir>', 'folder of kept checkpoints (one <size>.note each, with <size>.json: when it was fetched and the proof from the one kept before; forks under forks/)')
    .requiredOption('--verifier-key <key>', 'the log verifier key (name+id+key), or a file holding it (log-signer.vkey)')
    .option('--origin <origin>', 'checkpoint origin (default: the verifier key’s name)')
    .option('--token <token>', 'an inspector’s or supervisor’s access token (default: EXPERT_DRAW_TOKEN)')
    .option('--once', 'one pass, then exit: 0 kept or unchanged, 1 fork, 2 could not decide')
    .option('--interval <seconds>', 'seconds between passes', '60')
    .addHelpText('after', examples(
      'expert-draw log watch --url https://draw.example-centre.gov.cn --keep kept --verifier-key keys/log-signer.vkey',
      'EXPERT_DRAW_TOKEN=… expert-draw log watch --url https://draw.example-centre.gov.cn --keep kept --verifier-key keys/log-signer.vkey --once',
    ))
    .action(async (opts: WatchOpts) => {
      const [{ LogApi }, { watchPass }] = await Promise.all([import('./inspector.js'), import('./log-watch.js')]);
      const verifier = NoteVerifier.fromKey(verifierKeyText(opts.verifierKey, ''));
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

// `expert-draw log verify`: re-verifies a whole stored log and names the first index where it breaks.
// `expert-draw log watch`: an inspector keeps the log's checkpoints and proves each new one consistent with them.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import type { Lang } from '../i18n/language.js';
import { LocalizedError } from '../i18n/text.js';
import { KEY_FILES } from '../instance-keys.js';
import type { Store } from '../store/store.js';
import type { Speaking } from './language.js';
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
  const [{ redisConnection, SQLITE_FILE }, { reportTexts }] = await Promise.all([import('../store/open-store.js'), import('../i18n/cli/reports.js')]);
  const redis = opts.redis !== undefined || (opts.dataDir === undefined && config.EXPERT_DRAW_STORE === 'redis');
  if (!redis) {
    const dir = resolve(opts.dataDir ?? config.EXPERT_DRAW_DATA_DIR);
    if (!existsSync(join(dir, SQLITE_FILE))) {
      throw new LocalizedError(reportTexts.said('log.noStore', { dir, file: SQLITE_FILE }));
    }
    const { SqliteStore } = await import('../store/sqlite-store.js');
    return new SqliteStore({ file: join(dir, SQLITE_FILE) });
  }
  const prefix = opts.redisPrefix ?? config.EXPERT_DRAW_REDIS_PREFIX;
  const { RedisStore } = await import('../store/redis-store.js');
  const store = await RedisStore.open({ connection: opts.redis !== undefined ? { url: opts.redis } : redisConnection(config), prefix, requireDurable: false });
  if ((await store.logSize()) === 0) {
    await store.close();
    const where = opts.redis !== undefined ? reportTexts.said('log.prefixAt', { prefix, url: opts.redis }) : reportTexts.said('log.prefix', { prefix });
    throw new LocalizedError(reportTexts.said('log.noRedisLog', { where }));
  }
  return store;
}

/** What the log commands load when they run: the verifier key reader, the note verifier, their texts. */
async function runtime(lang: Lang) {
  const [{ verifierKeyText }, { NoteVerifier }, { reportTexts }] = await Promise.all([import('./verifier-key.js'), import('../log/note.js'), import('../i18n/cli/reports.js')]);
  return { verifierKeyText, NoteVerifier, r: reportTexts.in(lang) };
}

export function registerLogCommands(program: Command, { lang, t, examples, groupExamples }: Speaking): void {
  const verifyExample = ['expert-draw log verify', t('log.example.here')] as const;
  const watchExample = 'expert-draw log watch --url https://draw.example-centre.gov.cn --keep kept --verifier-key keys/log-signer.vkey';
  const log = program.command('log').description(t('log')).addHelpText('after', groupExamples('log watch', verifyExample, watchExample));
  log
    .command('verify')
    .description(t('log.verify'))
    .option('--data-dir <dir>', t('log.dataDir'))
    .option('--redis <url>', t('log.redis'))
    .option('--redis-prefix <prefix>', t('log.redisPrefix'))
    .option('--keys-dir <dir>', t('opt.keysDirVerifier', { file: KEY_FILES.logVerifier }))
    .option('--verifier-key <key>', t('opt.verifierKeyInstead', { file: KEY_FILES.logVerifier }))
    .option('--origin <origin>', t('opt.origin'))
    .option('--quiet', t('opt.quiet'))
    .addHelpText('after', examples(
      verifyExample,
      'expert-draw log verify --data-dir /var/lib/expert-draw --keys-dir /etc/expert-draw/keys',
      'expert-draw log verify --redis redis://:secret@10.0.0.7:6379 --verifier-key log-signer.vkey --origin draw.example-centre.gov.cn/log',
    ))
    .action(async (opts: VerifyOpts) => {
      const [{ loadConfig }, { verifyLog }, { verifierKeyText, NoteVerifier, r }] = await Promise.all([import('../config.js'), import('../log/verify.js'), runtime(lang)]);
      const config = loadConfig();
      const verifier = NoteVerifier.fromKey(verifierKeyText(opts.verifierKey, opts.keysDir ?? config.EXPERT_DRAW_KEYS_DIR));
      const origin = opts.origin ?? config.EXPERT_DRAW_LOG_ORIGIN;
      const store = await openLogStore(opts, config);
      const bar = opts.quiet ? null : progressBar(r('verifying'));
      const started = performance.now();
      try {
        const report = await verifyLog({ store, verifier, origin, onProgress: (done, total) => bar?.update(done, total) });
        bar?.done();
        const seconds = ((performance.now() - started) / 1000).toFixed(2);
        if (report.ok) {
          console.log(r('log.ok', { size: report.size, checkpoints: report.checkpoints, seconds, origin }));
        } else {
          console.log(r('log.broken', { index: report.failure!.index, reason: report.failure!.reason }));
          process.exitCode = 1;
        }
      } finally {
        await store.close();
      }
    });

  log
    .command('archive-marker')
    .description(t('log.archiveMarker'))
    .requiredOption('--reason <text>', t('log.archiveMarker.reason'))
    .option('--data-dir <dir>', t('log.archiveMarker.dataDir'))
    .option('--keys-dir <dir>', t('opt.keysDirVerifier', { file: KEY_FILES.logVerifier }))
    .option('--verifier-key <key>', t('opt.verifierKeyInstead', { file: KEY_FILES.logVerifier }))
    .addHelpText('after', examples(
      'expert-draw log archive-marker --reason "Redis restored from the AOF of 2026-12-03 after a disk failure"',
      'expert-draw log archive-marker --data-dir /var/lib/expert-draw --reason "new log: test data removed before going live"',
    ))
    .action(async (opts: ArchiveMarkerOpts) => {
      const [{ loadConfig }, marker, { openStore, sqliteAbsentOrEmpty }, { verifierKeyText, NoteVerifier, r }] = await Promise.all([import('../config.js'), import('../log/log-marker.js'), import('../store/open-store.js'), runtime(lang)]);
      const reason = opts.reason.trim();
      if (reason.length < 2 || reason.length > 500) throw new Error(r('marker.badReason'));
      const loaded = loadConfig();
      const config = { ...loaded, EXPERT_DRAW_DATA_DIR: opts.dataDir ?? loaded.EXPERT_DRAW_DATA_DIR };
      const verifier = NoteVerifier.fromKey(verifierKeyText(opts.verifierKey, opts.keysDir ?? config.EXPERT_DRAW_KEYS_DIR));
      const dir = resolve(config.EXPERT_DRAW_DATA_DIR);
      const storeName = marker.storeIdentity(config);
      const logKey = marker.logKeyIdentity(verifier);
      const marked = marker.markerOf(dir, storeName, logKey, verifier);
      // Without a marker of this store name: those of the key under other names, which refuse a start on an empty store.
      const elsewhere = marked ? [] : marker.markedElsewhere(dir, storeName, logKey, verifier);
      if (!marked && elsewhere.length === 0) throw new Error(r('marker.none', { store: storeName, key: verifier.name, dir }));
      // A deleted (or zero-length) SQLite file is not made again here: the store is then empty.
      const sqliteMissing = config.EXPERT_DRAW_STORE === 'sqlite' && sqliteAbsentOrEmpty(config);
      const store = sqliteMissing ? null : await openStore(config);
      let storeSize = 0;
      try {
        if (store) storeSize = await store.logSize();
        if (marked && (await marker.behindMarker(store, marked)) === null) throw new Error(r('marker.held', { size: marked.size, at: marked.at }));
        if (!marked && storeSize > 0) throw new Error(r('marker.notEmpty', { store: storeName, storeSize, marked: marker.describeMarked(elsewhere) }));
      } finally {
        await store?.close();
      }
      const options = { dir, store: storeName, logKey, storeSize, command: 'archive-marker', reason } as const;
      if (marked) {
        await marker.archiveMarker(options);
        console.log(r('marker.archived', { store: storeName, size: marked.size, at: marked.at, storeSize }));
      } else {
        const names = new Set(elsewhere.map((e) => e.store));
        for (const a of await marker.archiveMarkers(options, (e) => names.has(e.store))) console.log(r('marker.archived', { store: a.markedAs ?? a.store, size: a.size, at: a.at, storeSize }));
      }
      console.log(r('marker.nextStart'));
    });

  log
    .command('watch')
    .description(t('log.watch'))
    .requiredOption('--url <url>', t('log.url'))
    .requiredOption('--keep <dir>', t('log.keep'))
    .requiredOption('--verifier-key <key>', t('opt.verifierKey'))
    .option('--origin <origin>', t('opt.originOfKey'))
    .option('--token <token>', t('log.token'))
    .option('--once', t('log.once'))
    .option('--interval <seconds>', t('log.interval'), '60')
    .addHelpText('after', examples(watchExample, `EXPERT_DRAW_TOKEN=… ${watchExample} --once`))
    .action(async (opts: WatchOpts) => {
      const [{ LogApi }, { watchPass }, { verifierKeyText, NoteVerifier, r }] = await Promise.all([import('./inspector.js'), import('./log-watch.js'), runtime(lang)]);
      const verifier = NoteVerifier.fromKey(verifierKeyText(opts.verifierKey, ''));
      const interval = Number(opts.interval);
      if (!(interval > 0)) throw new Error(r('log.badInterval'));
      const watch = {
        api: new LogApi(opts.url, opts.token ?? process.env.EXPERT_DRAW_TOKEN, lang),
        dir: opts.keep,
        verifier,
        origin: opts.origin ?? verifier.name,
        lang,
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

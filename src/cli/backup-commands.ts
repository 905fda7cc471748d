// `expert-draw backup` and `expert-draw restore`: a consistent copy of the embedded store while the service runs, and
// its checked return (src/backup/backup.ts). On Redis, the backup is Redis's own persistence (docs/backups.md).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { KEY_FILES } from '../instance-keys.js';
import { examples } from './examples.js';
import { progressBar } from './progress.js';
import { verifierKeyText } from './verifier-key.js';

interface BackupOpts {
  out: string;
  dataDir?: string;
  keysDir?: string;
  withPrivateKeys?: boolean;
  quiet?: boolean;
}

interface RestoreOpts {
  from: string;
  dataDir?: string;
  keysDir?: string;
  verifierKey?: string;
  origin?: string;
  checkpoint?: string;
  acceptUnsigned?: boolean;
  quiet?: boolean;
}

/**
 * Runs a command's work with the backup module (imported here, when the command runs). A refusal is one line and exit
 * code 1, never a stack trace.
 */
async function refusing(work: (backup: typeof import('../backup/backup.js')) => Promise<void>): Promise<void> {
  const backup = await import('../backup/backup.js');
  const { BackupError } = backup;
  try {
    await work(backup);
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    console.error(`refused: ${err.message}`);
    process.exitCode = 1;
  }
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('copy the SQLite store (consistent, while the service runs) and the public keys into an empty folder')
    .requiredOption('--out <dir>', 'an empty folder for the backup')
    .option('--data-dir <dir>', 'the service\'s data folder (default: EXPERT_DRAW_DATA_DIR or ./data)')
    .option('--keys-dir <dir>', 'the service\'s keys folder (default: EXPERT_DRAW_KEYS_DIR or ./keys)')
    .option('--with-private-keys', 'copy the private key files too (keep such a backup as you keep the keys)')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', examples(
      'expert-draw backup --out /var/backups/expert-draw/$(date +%F)',
      'expert-draw backup --out /media/offline/expert-draw-$(date +%F) --data-dir /var/lib/expert-draw --keys-dir /etc/expert-draw/keys --with-private-keys',
    ))
    .action((opts: BackupOpts) =>
      refusing(async ({ backupSqlite, BackupError, CHECKPOINT_FILE }) => {
        const { loadConfig } = await import('../config.js');
        const config = loadConfig();
        if (config.EXPERT_DRAW_STORE !== 'sqlite') {
          throw new BackupError('the store is Redis: back it up with Redis persistence (an RDB snapshot or a copy of the AOF with appendfsync always), as docs/backups.md "Redis" says');
        }
        const bar = opts.quiet ? null : progressBar('copying pages');
        const manifest = await backupSqlite({
          dataDir: opts.dataDir ?? config.EXPERT_DRAW_DATA_DIR,
          keysDir: opts.keysDir ?? config.EXPERT_DRAW_KEYS_DIR,
          outDir: opts.out,
          withPrivateKeys: opts.withPrivateKeys === true,
          onProgress: (d, t) => bar?.update(d, t),
        });
        bar?.done();
        console.log(`backup in ${opts.out}: ${manifest.logSize} log entries, latest checkpoint at ${manifest.checkpoint?.size ?? 'none'}`);
        if (manifest.checkpoint) console.log(`keep a copy of ${join(opts.out, CHECKPOINT_FILE)} apart from the backups: a restore checks a backup against it`);
        for (const [file, digest] of Object.entries(manifest.keys)) console.log(`  ${file} sha256:${digest}`);
        if (!manifest.privateKeysIncluded) console.log('private keys not included (--with-private-keys): restore needs the instance\'s keys folder');
      }),
    );

  program
    .command('restore')
    .description('check a backup (the whole log against the log key, and a checkpoint you kept) and copy it into an empty data folder')
    .requiredOption('--from <dir>', 'the backup folder')
    .option('--data-dir <dir>', 'an empty data folder to restore into (default: EXPERT_DRAW_DATA_DIR or ./data)')
    .option('--keys-dir <dir>', `folder holding ${KEY_FILES.logVerifier} (default: EXPERT_DRAW_KEYS_DIR or ./keys)`)
    .option('--verifier-key <key>', `the log verifier key (name+id+key), or a file holding it (${KEY_FILES.logVerifier}), instead of the keys folder`)
    .option('--origin <origin>', 'checkpoint origin (default: EXPERT_DRAW_LOG_ORIGIN)')
    .option('--checkpoint <file>', 'a signed checkpoint you kept apart from the backups (e.g. the checkpoint.txt of a later backup, or one from a proof bundle): the backup must hold its tree')
    .option('--accept-unsigned', 'restore a backup taken before backups signed their database, its records (pool, projects, rosters, accounts) on trust; without it such a backup is refused')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', examples(
      'expert-draw restore --from /var/backups/expert-draw/2026-12-03 --checkpoint kept-checkpoint.txt',
      'expert-draw restore --from backup-2026-12-03 --data-dir /var/lib/expert-draw --verifier-key log-signer.vkey --checkpoint kept-checkpoint.txt',
    ))
    .action((opts: RestoreOpts) =>
      refusing(async ({ BackupError, restoreSqlite }) => {
        const [{ loadConfig }, { NoteVerifier }] = await Promise.all([import('../config.js'), import('../log/note.js')]);
        const config = loadConfig();
        // The restored file is the embedded store's: a service on Redis would never read it.
        if (config.EXPERT_DRAW_STORE !== 'sqlite') throw new BackupError(`restore restores the embedded SQLite store, and this service runs on ${config.EXPERT_DRAW_STORE} (EXPERT_DRAW_STORE): restore Redis from its own files as docs/backups.md says`);
        const verifierKey = verifierKeyText(opts.verifierKey, opts.keysDir ?? config.EXPERT_DRAW_KEYS_DIR);
        let checkpoint: string | undefined;
        if (opts.checkpoint !== undefined) {
          try {
            checkpoint = readFileSync(opts.checkpoint, 'utf8');
          } catch {
            throw new BackupError(`cannot read the kept checkpoint ${resolve(opts.checkpoint)}`);
          }
        }
        const bar = opts.quiet ? null : progressBar('verifying');
        const report = await restoreSqlite({
          fromDir: opts.from,
          dataDir: opts.dataDir ?? config.EXPERT_DRAW_DATA_DIR,
          verifier: NoteVerifier.fromKey(verifierKey),
          origin: opts.origin ?? config.EXPERT_DRAW_LOG_ORIGIN,
          ...(checkpoint === undefined ? {} : { checkpoint }),
          acceptUnsigned: opts.acceptUnsigned === true,
          onProgress: (d, t) => bar?.update(d, t),
        });
        bar?.done();
        console.log(`restored: ${report.logSize} entries and ${report.checkpoints} checkpoints verified` + (report.keptCheckpoint === null ? ' (no kept checkpoint given)' : `; holds the kept checkpoint at ${report.keptCheckpoint}`) + (report.databaseSigned ? '; the database is as the backup signed it' : ''));
        if (report.markerArchived) {
          console.log(`this instance had signed or seen ${report.markerArchived.size} log entries (its log marker, ${report.markerArchived.at}); the backup holds ${report.logSize}: the entries after it are not restored. The marker is archived; the next start records it in the log (log.marker-archived).`);
        }
        if (!report.databaseSigned) console.error('warning: restored with --accept-unsigned: the records (pool, projects, rosters, accounts) are taken on trust; only the log was verified');
      }),
    );
}

// `expert-draw backup` and `expert-draw restore`: a consistent copy of the embedded store while the service runs, and
// its checked return (src/backup/backup.ts). On Redis, the backup is Redis's own persistence (docs/backups.md).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CLI_REPORTS } from '../i18n/cli/reports.js';
import type { Lang } from '../i18n/language.js';
import { clauses, errorText, LocalizedError, type AreaTexts } from '../i18n/text.js';
import { KEY_FILES } from '../instance-keys.js';
import type { Speaking } from './language.js';
import { progressBar } from './progress.js';

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
  replaceHistory?: boolean;
  quiet?: boolean;
}

/** What the backup commands load when they run. */
interface Runtime {
  readonly backup: typeof import('../backup/backup.js');
  readonly reports: AreaTexts<typeof CLI_REPORTS>;
  readonly r: ReturnType<AreaTexts<typeof CLI_REPORTS>['in']>;
}

/**
 * Runs a command's work with the backup module and its texts (imported here, when the command runs). A refusal is one
 * line, in the reader's language where it is ours, and exit code 1, never a stack trace.
 */
async function refusing(lang: Lang, work: (runtime: Runtime) => Promise<void>): Promise<void> {
  const [backup, { reportTexts: reports }] = await Promise.all([import('../backup/backup.js'), import('../i18n/cli/reports.js')]);
  try {
    await work({ backup, reports, r: reports.in(lang) });
  } catch (err) {
    if (!(err instanceof backup.BackupError || err instanceof LocalizedError)) throw err;
    console.error(reports.text(lang, 'backup.refused', { reason: errorText(err, lang) }));
    process.exitCode = 1;
  }
}

export function registerBackupCommands(program: Command, { lang, t, examples }: Speaking): void {
  program
    .command('backup')
    .description(t('backup'))
    .requiredOption('--out <dir>', t('backup.out'))
    .option('--data-dir <dir>', t('opt.dataDir'))
    .option('--keys-dir <dir>', t('opt.keysDir'))
    .option('--with-private-keys', t('backup.withPrivateKeys'))
    .option('--quiet', t('opt.quiet'))
    .addHelpText('after', examples(
      'expert-draw backup --out /var/backups/expert-draw/$(date +%F)',
      'expert-draw backup --out /media/offline/expert-draw-$(date +%F) --data-dir /var/lib/expert-draw --keys-dir /etc/expert-draw/keys --with-private-keys',
    ))
    .action((opts: BackupOpts) =>
      refusing(lang, async ({ backup: { backupSqlite, CHECKPOINT_FILE }, reports, r }) => {
        const { loadConfig } = await import('../config.js');
        const config = loadConfig();
        if (config.EXPERT_DRAW_STORE !== 'sqlite') throw new LocalizedError(reports.said('backup.redis'));
        const bar = opts.quiet ? null : progressBar(r('backup.copying'));
        const manifest = await backupSqlite({
          dataDir: opts.dataDir ?? config.EXPERT_DRAW_DATA_DIR,
          keysDir: opts.keysDir ?? config.EXPERT_DRAW_KEYS_DIR,
          outDir: opts.out,
          withPrivateKeys: opts.withPrivateKeys === true,
          onProgress: (done, total) => bar?.update(done, total),
        });
        bar?.done();
        console.log(r('backup.done', { dir: opts.out, size: manifest.logSize, checkpoint: manifest.checkpoint?.size ?? r('backup.none') }));
        if (manifest.checkpoint) console.log(r('backup.keepCheckpoint', { file: join(opts.out, CHECKPOINT_FILE) }));
        for (const [file, digest] of Object.entries(manifest.keys)) console.log(`  ${file} sha256:${digest}`);
        if (!manifest.privateKeysIncluded) console.log(r('backup.noPrivateKeys'));
      }),
    );

  program
    .command('restore')
    .description(t('restore'))
    .requiredOption('--from <dir>', t('restore.from'))
    .option('--data-dir <dir>', t('restore.dataDir'))
    .option('--keys-dir <dir>', t('opt.keysDirVerifier', { file: KEY_FILES.logVerifier }))
    .option('--verifier-key <key>', t('opt.verifierKeyInstead', { file: KEY_FILES.logVerifier }))
    .option('--origin <origin>', t('opt.origin'))
    .option('--checkpoint <file>', t('restore.checkpoint'))
    .option('--accept-unsigned', t('restore.acceptUnsigned'))
    .option('--replace-history', t('restore.replaceHistory'))
    .option('--quiet', t('opt.quiet'))
    .addHelpText('after', examples(
      'expert-draw restore --from /var/backups/expert-draw/2026-12-03 --checkpoint kept-checkpoint.txt',
      'expert-draw restore --from backup-2026-12-03 --data-dir /var/lib/expert-draw --verifier-key log-signer.vkey --checkpoint kept-checkpoint.txt',
    ))
    .action((opts: RestoreOpts) =>
      refusing(lang, async ({ backup: { restoreSqlite, OtherHistoryError }, reports, r }) => {
        const [{ loadConfig }, { NoteVerifier }, { verifierKeyText }] = await Promise.all([import('../config.js'), import('../log/note.js'), import('./verifier-key.js')]);
        const config = loadConfig();
        // The restored file is the embedded store's: a service on Redis would never read it.
        if (config.EXPERT_DRAW_STORE !== 'sqlite') throw new LocalizedError(reports.said('restore.notSqlite', { store: config.EXPERT_DRAW_STORE }));
        const verifierKey = verifierKeyText(opts.verifierKey, opts.keysDir ?? config.EXPERT_DRAW_KEYS_DIR);
        let checkpoint: string | undefined;
        if (opts.checkpoint !== undefined) {
          try {
            checkpoint = readFileSync(opts.checkpoint, 'utf8');
          } catch {
            throw new LocalizedError(reports.said('restore.cannotReadCheckpoint', { file: resolve(opts.checkpoint) }));
          }
        }
        const bar = opts.quiet ? null : progressBar(r('verifying'));
        const report = await restoreSqlite({
          replaceHistory: opts.replaceHistory === true,
          fromDir: opts.from,
          dataDir: opts.dataDir ?? config.EXPERT_DRAW_DATA_DIR,
          verifier: NoteVerifier.fromKey(verifierKey),
          origin: opts.origin ?? config.EXPERT_DRAW_LOG_ORIGIN,
          ...(checkpoint === undefined ? {} : { checkpoint }),
          acceptUnsigned: opts.acceptUnsigned === true,
          onProgress: (done, total) => bar?.update(done, total),
        }).catch((err: unknown) => {
          if (err instanceof OtherHistoryError) throw new LocalizedError(reports.said('restore.otherHistory', { size: err.marked.size, at: err.marked.at, restored: err.backupSize }));
          throw err;
        });
        bar?.done();
        const facts = [
          reports.said('restore.verified', { size: report.logSize, checkpoints: report.checkpoints }),
          report.keptCheckpoint === null ? reports.said('restore.noKept') : reports.said('restore.holdsKept', { size: report.keptCheckpoint }),
          ...(report.databaseSigned ? [reports.said('restore.signed')] : []),
        ];
        console.log(r('restore.done', { facts: clauses(facts) }));
        const archived = report.markerArchived;
        if (archived) console.log(r(archived.otherHistory ? 'restore.historyReplaced' : 'restore.markerArchived', { size: archived.size, at: archived.at, restored: report.logSize }));
        if (!report.databaseSigned) console.error(r('restore.unsignedWarning'));
      }),
    );
}

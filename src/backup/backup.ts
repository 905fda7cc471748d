// Backups of the embedded store and their restore. A backup is a folder: the SQLite database copied by SQLite's online
// backup API (a consistent snapshot, taken while the service runs), the public halves of the instance's keys with their
// fingerprints, and a manifest. Private keys are copied only when asked (their custody is the operator's: docs). A
// restore trusts nothing in the backup: it verifies the whole log against the operator's log key, and, given the latest
// checkpoint the operator kept, that the backup's log still holds that tree (the same root at that size), so a backup
// cut short or rewritten is refused before it replaces anything.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { KEY_FILES } from '../instance-keys.js';
import { openCheckpoint } from '../log/checkpoint.js';
import { assembleRoot, nodeHashes, rootPlan } from '../log/merkle.js';
import type { NoteVerifier } from '../log/note.js';
import { verifyLog, type VerifyReport } from '../log/verify.js';
import { PRIVATE_FILE_MODE, privateDir, privateFile } from '../private-files.js';
import { SQLITE_FILE } from '../store/open-store.js';
import { SqliteStore } from '../store/sqlite-store.js';

export const MANIFEST_FILE = 'manifest.json';
/** The latest signed checkpoint at the backup, as note text: what an operator keeps apart to check later backups. */
export const CHECKPOINT_FILE = 'checkpoint.txt';
const PUBLIC_KEYS = [KEY_FILES.logVerifier, KEY_FILES.jwtPublic, KEY_FILES.sealingPublic] as const;
const PRIVATE_KEYS = [KEY_FILES.logSigner, KEY_FILES.jwtPrivate, KEY_FILES.sealingPrivate] as const;

export interface BackupManifest {
  readonly format: 'expert-draw-backup/1';
  readonly createdAt: string;
  readonly store: 'sqlite';
  /** Entries in the backed-up log, and its latest signed checkpoint (null before the first). */
  readonly logSize: number;
  readonly checkpoint: { readonly size: number; readonly note: string } | null;
  /** SHA-256 of each key file copied, by file name; private key files appear only with `withPrivateKeys`. */
  readonly keys: Readonly<Record<string, string>>;
  readonly privateKeysIncluded: boolean;
}

export interface BackupOptions {
  readonly dataDir: string;
  readonly keysDir: string;
  readonly outDir: string;
  /** Copy the private key files too (0600). Off by default: a backup is often kept where keys must not be. */
  readonly withPrivateKeys?: boolean;
  /** Pages copied so far of all, as SQLite reports them. */
  readonly onProgress?: (done: number, total: number) => void;
}

const sha256File = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Takes a backup of the SQLite store while the service may be running. Refuses an out folder that holds one already. */
export async function backupSqlite(options: BackupOptions): Promise<BackupManifest> {
  const source = join(options.dataDir, SQLITE_FILE);
  if (!existsSync(source)) throw new BackupError(`no database at ${source}: is --data-dir (EXPERT_DRAW_DATA_DIR) the service's data folder?`);
  const target = join(options.outDir, SQLITE_FILE);
  if (existsSync(target) || existsSync(join(options.outDir, MANIFEST_FILE))) throw new BackupError(`${options.outDir} already holds a backup; choose an empty folder`);
  privateDir(options.outDir);
  // The copy holds personal data (sealed) and the log: 0600 before SQLite writes into it.
  privateFile(target);
  // Read-only: the backup writes nothing into the live database; WAL lets the service go on writing meanwhile.
  const live = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await live.backup(target, {
      progress: ({ totalPages, remainingPages }) => {
        options.onProgress?.(totalPages - remainingPages, totalPages);
        return 256;
      },
    });
  } finally {
    live.close();
  }
  const copy = new SqliteStore({ file: target });
  let logSize: number;
  let checkpoint: BackupManifest['checkpoint'];
  try {
    logSize = await copy.logSize();
    checkpoint = await copy.latestCheckpoint();
  } finally {
    await copy.close();
  }
  const keys: Record<string, string> = {};
  const files = options.withPrivateKeys ? [...PUBLIC_KEYS, ...PRIVATE_KEYS] : PUBLIC_KEYS;
  for (const name of files) {
    const from = join(options.keysDir, name);
    if (!existsSync(from)) throw new BackupError(`key file ${from} is missing: is --keys-dir (EXPERT_DRAW_KEYS_DIR) the service's keys folder?`);
    copyFileSync(from, join(options.outDir, name));
    if ((PRIVATE_KEYS as readonly string[]).includes(name)) privateFile(join(options.outDir, name));
    keys[name] = sha256File(from);
  }
  const manifest: BackupManifest = { format: 'expert-draw-backup/1', createdAt: new Date().toISOString(), store: 'sqlite', logSize, checkpoint, keys, privateKeysIncluded: options.withPrivateKeys === true };
  writeFileSync(join(options.outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  if (checkpoint) writeFileSync(join(options.outDir, CHECKPOINT_FILE), checkpoint.note, { mode: PRIVATE_FILE_MODE });
  return manifest;
}

export interface RestoreOptions {
  readonly fromDir: string;
  readonly dataDir: string;
  /** The operator's log key: the backup's own copy of it is not trusted. */
  readonly verifier: NoteVerifier;
  readonly origin: string;
  /** The latest signed checkpoint the operator kept (note text), which the backup's log must still hold. */
  readonly checkpoint?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface RestoreReport {
  readonly logSize: number;
  readonly checkpoints: number;
  /** The kept checkpoint's size, when one was given and the backup holds its tree. */
  readonly keptCheckpoint: number | null;
}

/** Checks a backup and copies it into an empty data folder; refuses (BackupError) and changes nothing otherwise. */
export async function restoreSqlite(options: RestoreOptions): Promise<RestoreReport> {
  const source = join(options.fromDir, SQLITE_FILE);
  if (!existsSync(source)) throw new BackupError(`no backup database at ${source}`);
  const target = join(options.dataDir, SQLITE_FILE);
  if (existsSync(target)) throw new BackupError(`${target} exists: restore only into an empty data folder (move the old one aside first)`);
  const store = new SqliteStore({ file: source });
  let report: VerifyReport;
  let kept: number | null = null;
  try {
    report = await verifyLog({ store, verifier: options.verifier, origin: options.origin, onProgress: options.onProgress });
    if (!report.ok) throw new BackupError(`the backup's log does not verify: broken at index ${report.failure!.index}: ${report.failure!.reason}`);
    if (options.checkpoint !== undefined) kept = await holdsCheckpoint(store, options.checkpoint, options);
  } finally {
    await store.close();
  }
  privateDir(options.dataDir);
  privateFile(target);
  copyFileSync(source, target);
  return { logSize: report.size, checkpoints: report.checkpoints, keptCheckpoint: kept };
}

/** The kept checkpoint is signed by the operator's key, and the backup's tree at its size has its root. */
async function holdsCheckpoint(store: SqliteStore, note: string, options: RestoreOptions): Promise<number> {
  let checkpoint;
  try {
    checkpoint = openCheckpoint(note, options.verifier, options.origin).checkpoint;
  } catch (err) {
    throw new BackupError(`the kept checkpoint does not open with the log key: ${(err as Error).message}`);
  }
  const size = await store.logSize();
  if (checkpoint.size > size) throw new BackupError(`the backup holds ${size} entries, fewer than the ${checkpoint.size} of the kept checkpoint: it is older than the log the checkpoint signed, or cut short`);
  const plan = rootPlan(checkpoint.size);
  const hashes = await store.readNodes(plan);
  const root = assembleRoot(checkpoint.size, nodeHashes(plan.map((id, i) => ({ ...id, hash: hashes[i]! }))));
  if (!root.equals(checkpoint.rootHash)) throw new BackupError(`the backup's tree at size ${checkpoint.size} is not the one the kept checkpoint signed: the backup's log was rewritten`);
  return checkpoint.size;
}

/** A backup or restore refused, with what to do; nothing was changed. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

// Backups of the embedded store and their restore. A backup is a folder: the SQLite database copied by SQLite's online
// backup API (a consistent snapshot, taken while the service runs), the public halves of the instance's keys with their
// fingerprints, and a manifest. Private keys are copied only when asked (their custody is the operator's: docs). A
// restore trusts nothing in the backup: it checks the database's signature (the log key signs the file's SHA-256 when
// the backup is taken: the records are not in the log), verifies the whole log against the operator's log key, and,
// given the latest checkpoint the operator kept, that the backup's log still holds that tree (the same root at that
// size), so a backup cut short or rewritten is refused before it replaces anything.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { KEY_FILES } from '../instance-keys.js';
import { openCheckpoint } from '../log/checkpoint.js';
import { archiveMarker, behindMarker, logKeyIdentity, markerOf, sqliteIdentity } from '../log/log-marker.js';
import { storedRoot } from '../log/audit-log.js';
import { NoteSigner, type NoteVerifier } from '../log/note.js';
import { verifyLog, type VerifyReport } from '../log/verify.js';
import { PRIVATE_FILE_MODE, privateDir, privateFile } from '../private-files.js';
import { DATA_FORMAT, DataFormatError, readableFormat } from '../records/data-format.js';
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
  /**
   * The database file's SHA-256, signed with the log key (Ed25519 over DATABASE_SIGNED_TEXT): the records — pool,
   * projects, rosters, accounts — are not in the log, so only this tells a restore that they are as the service left
   * them. Absent in backups taken before it existed.
   */
  readonly database?: { readonly sha256: string; readonly keyName: string; readonly signature: string };
}

/** What the log key signs of a backup's database: its hash and the log size it holds. */
const databaseSignedText = (sha256: string, logSize: number) => Buffer.from(`expert-draw/v1/backup-database\n${sha256}\n${logSize}\n`);

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
  // Anything else there would be mixed with the backup (and its folder made private): an empty or new folder only.
  if (existsSync(options.outDir) && readdirSync(options.outDir).length > 0) throw new BackupError(`${options.outDir} is not empty; choose an empty folder, or a new one`);
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
  // The copy is closed: its bytes are final. Signed with the log key, so that a restore can tell them unchanged.
  const signerFile = join(options.keysDir, KEY_FILES.logSigner);
  if (!existsSync(signerFile)) throw new BackupError(`key file ${signerFile} is missing: the backup signs its database with the log key; is --keys-dir (EXPERT_DRAW_KEYS_DIR) the service's keys folder?`);
  const signer = NoteSigner.fromKey(readFileSync(signerFile, 'utf8').trim());
  const databaseSha256 = sha256File(target);
  const database = { sha256: databaseSha256, keyName: signer.name, signature: signer.sign(databaseSignedText(databaseSha256, logSize)).toString('base64') };
  const manifest: BackupManifest = { format: 'expert-draw-backup/1', createdAt: new Date().toISOString(), store: 'sqlite', logSize, checkpoint, keys, privateKeysIncluded: options.withPrivateKeys === true, database };
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
  /**
   * Restore a backup whose manifest holds no database signature (taken before backups signed their database), its
   * records on trust. Without it such a backup is refused: deleting the field must not switch the check off.
   */
  readonly acceptUnsigned?: boolean;
  /**
   * Restore a backup of another history than the one the instance's marker holds (the backup's tree at the marker's
   * size has another root): the marked history is set aside, audited as for an older backup. Without it, refused.
   */
  readonly replaceHistory?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface RestoreReport {
  /** Whether the database's signature was checked (false: a backup taken before backups signed their database). */
  readonly databaseSigned: boolean;
  /**
   * The data folder's log marker when the backup's log is behind it (every backup but one taken at a clean shutdown):
   * the tree the instance had signed, now archived; the service records it in the log at its next start. Null: no
   * marker, or the backup holds its tree.
   */
  readonly markerArchived: {
    readonly size: number;
    readonly at: string;
    /** The backup holds another tree than the marked one (a different history, restored with replaceHistory), not an older one. */
    readonly otherHistory: boolean;
  } | null;
  readonly logSize: number;
  readonly checkpoints: number;
  /** The kept checkpoint's size, when one was given and the backup holds its tree. */
  readonly keptCheckpoint: number | null;
}

/** Checks a backup and copies it into an empty data folder; refuses (BackupError) and changes nothing otherwise. */
export async function restoreSqlite(options: RestoreOptions): Promise<RestoreReport> {
  const source = join(options.fromDir, SQLITE_FILE);
  if (isLink(source)) throw new BackupError(`${source} is a symbolic link: a backup's database is a file of its own`);
  if (!existsSync(source)) throw new BackupError(`no backup database at ${source}`);
  // A backup is one closed file. A journal beside it would be replayed over the signed bytes the moment SQLite opened
  // it: records changed after the backup, restored as if signed.
  for (const side of JOURNALS) {
    if (existsSync(source + side) || isLink(source + side)) {
      throw new BackupError(`${source}${side} lies beside the backup's database: a backup is one closed file, and SQLite would apply this over the bytes the backup signed; take the backup again, or remove the file if you know where it came from`);
    }
  }
  const target = join(options.dataDir, SQLITE_FILE);
  // Nothing of an earlier database may stay: its WAL would be replayed over the restored file at the next open.
  for (const f of [target, ...JOURNALS.map((side) => target + side), `${target}.leases`]) {
    if (existsSync(f) || isLink(f)) throw new BackupError(`${f} exists: restore only into an empty data folder (move the old database and its -wal, -shm and .leases files aside first)`);
  }
  // The instance's log marker (src/log/log-marker.ts), read first: an unreadable one refuses the restore before anything.
  const markerStore = sqliteIdentity(options.dataDir);
  const markerKey = logKeyIdentity(options.verifier);
  let marked;
  try {
    marked = markerOf(options.dataDir, markerStore, markerKey, options.verifier);
  } catch (err) {
    throw new BackupError((err as Error).message);
  }
  privateDir(options.dataDir);
  // Checked and verified on the restore's own copy: the backup folder is never opened (SQLite writes to what it opens),
  // and the bytes checked are the bytes restored.
  const staging = join(options.dataDir, `${SQLITE_FILE}.restoring-${process.pid}`);
  const cleanUp = () => {
    for (const f of [staging, ...JOURNALS.map((side) => staging + side), `${staging}.leases`, ...JOURNALS.map((side) => `${staging}.leases${side}`)]) rmSync(f, { force: true });
  };
  cleanUp();
  privateFile(staging);
  copyFileSync(source, staging);
  try {
    const databaseSigned = checkDatabaseSignature(options, staging);
    const store = new SqliteStore({ file: staging });
    let report: VerifyReport;
    let kept: number | null = null;
    let behind: unknown = null;
    try {
      // A backup taken by a newer version (of a newer data format) would not start on this one: refused before anything.
      try {
        await readableFormat(store);
      } catch (err) {
        if (err instanceof DataFormatError && err.found !== null) throw new BackupError(`this backup holds data format ${err.found}, taken by a newer version of expert-draw; this version reads format ${DATA_FORMAT}: restore it with that version`);
        if (err instanceof DataFormatError) throw new BackupError(`the backup: ${err.message}`);
        throw err;
      }
      report = await verifyLog({ store, verifier: options.verifier, origin: options.origin, onProgress: options.onProgress });
      if (!report.ok) throw new BackupError(`the backup's log does not verify: broken at index ${report.failure!.index}: ${report.failure!.reason}`);
      if (options.checkpoint !== undefined) kept = await holdsCheckpoint(store, options.checkpoint, options);
      behind = marked ? await behindMarker(store, marked) : null;
    } finally {
      await store.close();
    }
    // As large as the marked tree or larger and still behind it: not an older copy of the marked log but another history.
    const otherHistory = marked !== null && behind !== null && report.size >= marked.size;
    if (marked && otherHistory && options.replaceHistory !== true) throw new OtherHistoryError(marked, report.size);
    renameSync(staging, target);
    // A backup is older than the tree the instance last signed: restoring it is the operator's decision, made by running
    // this command. The marker is archived so that the service starts on it, and its next start logs what was set aside.
    let markerArchived: RestoreReport['markerArchived'] = null;
    if (marked && behind) {
      const reason = otherHistory
        ? `restored from ${resolve(options.fromDir)} with --replace-history: a backup of another history (size ${report.size}; its tree at size ${marked.size} is not the one this instance signed)`
        : `restored from ${resolve(options.fromDir)}: a backup holding ${report.size} entries`;
      await archiveMarker({ dir: options.dataDir, store: markerStore, logKey: markerKey, storeSize: report.size, command: 'restore', reason });
      markerArchived = { size: marked.size, at: marked.at, otherHistory };
    }
    return { databaseSigned, logSize: report.size, checkpoints: report.checkpoints, keptCheckpoint: kept, markerArchived };
  } finally {
    cleanUp();
  }
}

/** SQLite's journal files beside a database. */
const JOURNALS = ['-wal', '-shm', '-journal'] as const;

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * The backup's database is the one its manifest's signature names, signed by the operator's log key: true when so,
 * false for a backup without a signature (taken before backups signed their database); refuses otherwise.
 */
function checkDatabaseSignature(options: RestoreOptions, source: string): boolean {
  const manifestFile = join(options.fromDir, MANIFEST_FILE);
  if (!existsSync(manifestFile)) throw new BackupError(`no ${MANIFEST_FILE} in ${options.fromDir}: not a backup folder`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BackupManifest;
  } catch (err) {
    throw new BackupError(`${manifestFile} is not readable JSON: ${(err as Error).message}`);
  }
  if (manifest.store !== 'sqlite') throw new BackupError(`${MANIFEST_FILE} does not say the backup is of the embedded SQLite store (store: ${JSON.stringify(manifest.store ?? null)}): restore restores that store only (Redis: docs/backups.md)`);
  const signed = manifest.database ?? undefined;
  if (signed === undefined) {
    if (options.acceptUnsigned === true) return false;
    throw new BackupError(
      `${MANIFEST_FILE} holds no signature of the backup's database, so its records (pool, projects, rosters, accounts) could have been changed and would be restored as they are. ` +
        'Every backup this version takes is signed: one without a signature was taken by a version from before signed backups, or had its signature removed. ' +
        'To restore such an old backup anyway, its records on trust, add --accept-unsigned.',
    );
  }
  if (signed.keyName !== options.verifier.name) throw new BackupError(`the backup's database is signed by the key ${signed.keyName}, not by the log key ${options.verifier.name}`);
  const sha256 = sha256File(source);
  const text = databaseSignedText(signed.sha256, manifest.logSize);
  if (!options.verifier.verify(text, Buffer.from(signed.signature, 'base64'))) throw new BackupError(`the signature of the backup's database does not verify with the log key: ${MANIFEST_FILE} was altered`);
  if (sha256 !== signed.sha256) throw new BackupError(`the backup's database is not the one the backup signed (SHA-256 ${sha256}, signed ${signed.sha256}): it was changed after the backup was taken; its records would be restored changed`);
  return true;
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
  const root = await storedRoot(store, checkpoint.size);
  if (!root?.equals(checkpoint.rootHash)) throw new BackupError(`the backup's tree at size ${checkpoint.size} is not the one the kept checkpoint signed: the backup's log was rewritten`);
  return checkpoint.size;
}

/** A backup or restore refused, with what to do; nothing was changed. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** A restore refused because the backup holds another history than the marked one; the CLI says it in both languages. */
export class OtherHistoryError extends BackupError {
  constructor(
    readonly marked: { readonly size: number; readonly at: string },
    readonly backupSize: number,
  ) {
    super(`the backup holds another tree than the one this instance signed or saw confirmed (its log marker: size ${marked.size}, ${marked.at}; the backup's log is of size ${backupSize} and its tree at size ${marked.size} has another root): a different history under the same key, not an older copy. Nothing was restored. To replace the marked history with it deliberately, run the restore again with --replace-history (the marker is then archived and the next start records it in the log)`);
    this.name = 'OtherHistoryError';
  }
}

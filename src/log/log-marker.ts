// The log marker: the largest tree this instance signed or saw confirmed, kept outside the store (in the instance's data
// folder), per store and per log key. A log only grows: a store found at start with a shorter log than the marker, or
// with another tree at the marker's size, was emptied, replaced or rolled back while the service was down, and the start
// is refused rather than a second log begun from entry 0 under the same key (docs/operations.md). Archiving the marker
// (a restore, `expert-draw log archive-marker`) is the deliberate way past it, recorded in the log at the next start.
//
// Durability contract: the marker is written when a checkpoint is signed (at most once a checkpoint interval, never per
// append) and at a clean shutdown, atomically: a temporary file, fsync, rename over the marker, fsync of the folder. A
// crash leaves the old marker or the new one, never half of one; a marker behind the store is never wrong, only weaker.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import type { Config } from '../config.js';
import { msg, type Message } from '../i18n/message.js';
import { PRIVATE_FILE_MODE, tightenFile } from '../private-files.js';
import type { Store } from '../store/store.js';
import { storedRoot } from './audit-log.js';
import { parseCheckpoint } from './checkpoint.js';
import { openNote, type NoteVerifier } from './note.js';

export const MARKER_FILE = 'log-marker.json';
const FORMAT = 'expert-draw/log-marker/1';
/** The store file's name (src/store/open-store.ts); repeated here so that the CLI's restore loads no store driver. */
const SQLITE_FILE = 'expert-draw.db';

/** A tree of the log: its size and RFC 9162 root (hex), the signed checkpoint of it when there is one. */
export interface MarkedTree {
  readonly size: number;
  readonly rootHash: string;
  readonly checkpoint: string | null;
  /** When this instance signed or saw it (ISO 8601). */
  readonly at: string;
}

/** The marker of one store and one log key. */
export interface MarkerEntry extends MarkedTree {
  /** The store: its SQLite file, or its Redis server and prefix (never a password). */
  readonly store: string;
  /** The log key: its name and the start of its public key's SHA-256. */
  readonly logKey: string;
}

/** A marker put aside on purpose, so that the instance starts on a shorter log; logged at the next start. */
export interface ArchivedMarker extends MarkerEntry {
  readonly archivedAt: string;
  /** The command that archived it. */
  readonly command: 'restore' | 'archive-marker';
  readonly reason: string;
  /** Who ran it: `cli:` and the system user. */
  readonly by: string;
  /** The store's log size when it was archived. */
  readonly storeSize: number;
  /** The store name the tree was marked under, when another than `store` (archived for a start under a new name). */
  readonly markedAs?: string;
  /** The index of the `log.marker-archived` entry that recorded it; null until the service has appended it. */
  readonly logged: number | null;
}

interface MarkerFile {
  readonly format: typeof FORMAT;
  readonly logs: readonly MarkerEntry[];
  readonly archived: readonly ArchivedMarker[];
}

const EMPTY: MarkerFile = { format: FORMAT, logs: [], archived: [] };

/** A marker file that cannot be read, or a store behind its marker: the start (or the command) is refused. */
export class LogMarkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogMarkerError';
  }
}

/** The message in both languages, English first (the service log and the terminal read it; the operator may read either). */
const bilingual = (m: Message) => `${m.text('en')}\n${m.text('zh-CN')}`;

/**
 * The configured store, named so that the same store gets the same name: no credentials, the path made absolute and, for
 * SQLite, real (a symbolic link or another mount path to the folder is the same store). Another spelling of a Redis
 * address or another prefix still names another store: an empty one is caught by `LogMarker.check` (any store name).
 */
export function storeIdentity(config: Config): string {
  if (config.EXPERT_DRAW_STORE === 'sqlite') return sqliteIdentity(config.EXPERT_DRAW_DATA_DIR);
  const prefix = JSON.stringify(config.EXPERT_DRAW_REDIS_PREFIX);
  if (config.EXPERT_DRAW_REDIS_CLUSTER) return `redis-cluster:${config.EXPERT_DRAW_REDIS_CLUSTER.map((n) => `${n.host}:${n.port}`).sort().join(',')} prefix ${prefix}`;
  if (config.EXPERT_DRAW_REDIS_SENTINELS) return `redis-sentinel:${config.EXPERT_DRAW_REDIS_SENTINEL_NAME} prefix ${prefix}`;
  const url = new URL(config.REDIS_URL);
  return `redis://${url.hostname}:${url.port || '6379'}/${url.pathname.replace(/^\//, '') || '0'} prefix ${prefix}`;
}

/** The SQLite store of a data folder, named as storeIdentity names it: the folder's real path when it exists. */
export function sqliteIdentity(dataDir: string): string {
  // A folder not there yet (made by the start or the restore) is named by its nearest existing parent's real path.
  let dir = resolve(dataDir);
  let rest = '';
  for (;;) {
    try {
      return `sqlite:${join(realpathSync(dir), rest, SQLITE_FILE)}`;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return `sqlite:${join(resolve(dataDir), SQLITE_FILE)}`;
      rest = join(basename(dir), rest);
      dir = parent;
    }
  }
}

/** The log key, named by its name and the first 16 hex digits of its public key's SHA-256. */
export function logKeyIdentity(verifier: NoteVerifier): string {
  return `${verifier.name}+${createHash('sha256').update(verifier.publicKey).digest('hex').slice(0, 16)}`;
}

/**
 * The marker file of a data folder; an absent file is an empty marker. Each tree is checked for its form and, with the
 * log key's verifier, its checkpoint (of that key) for the key's signature and for the tree's size and root: a marker
 * edited by hand would otherwise refuse starts on a made-up size, or put its made-up text into the signed log when
 * archived (`log.marker-archived`).
 */
export function readMarkerFile(dir: string, verifier?: NoteVerifier): MarkerFile {
  const file = join(dir, MARKER_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return EMPTY;
    throw new LogMarkerError(`cannot read the log marker ${file}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as MarkerFile;
    if (parsed.format !== FORMAT || !Array.isArray(parsed.logs) || !Array.isArray(parsed.archived)) throw new Error(`not a marker of format ${FORMAT}`);
    const key = verifier ? logKeyIdentity(verifier) : null;
    for (const [list, entries] of [['logs', parsed.logs], ['archived', parsed.archived]] as const) {
      entries.forEach((entry: MarkerEntry, i) => {
        const problem = treeProblem(entry, entry.logKey === key ? verifier : undefined);
        if (problem) throw new Error(`${list}[${i}]: ${problem}`);
      });
    }
    return parsed;
  } catch (err) {
    // Written atomically, a marker is never half written: an unreadable one was changed by hand. Not guessed around.
    throw new LogMarkerError(`the log marker ${file} is not readable or not valid (${(err as Error).message}): it is written whole by the service, from checkpoints signed by the log key, so something else changed it; put the last good copy back, or move it aside deliberately (docs/operations.md "The log marker")`);
  }
}

/** What is wrong with a marked tree as read from the file, or null; its checkpoint verified when `verifier` is given. */
function treeProblem(entry: MarkerEntry, verifier: NoteVerifier | undefined): string | null {
  if (typeof entry !== 'object' || entry === null) return 'not an object';
  if (typeof entry.store !== 'string' || typeof entry.logKey !== 'string') return 'store and logKey must be strings';
  if (!Number.isSafeInteger(entry.size) || entry.size < 0) return `size must be an integer in [0, 2^53 − 1], got ${JSON.stringify(entry.size)}`;
  if (typeof entry.rootHash !== 'string' || !/^[0-9a-f]{64}$/.test(entry.rootHash)) return 'rootHash must be 64 lowercase hex digits';
  if (entry.checkpoint !== null && typeof entry.checkpoint !== 'string') return 'checkpoint must be a signed note or null';
  if (typeof entry.at !== 'string') return 'at must be a time';
  if (!verifier || entry.checkpoint === null) return null;
  try {
    const checkpoint = parseCheckpoint(openNote(entry.checkpoint, [verifier]).body);
    if (checkpoint.size !== entry.size || checkpoint.rootHash.toString('hex') !== entry.rootHash) return `its checkpoint signs size ${checkpoint.size}, not the tree it names (size ${entry.size})`;
  } catch (err) {
    return `its checkpoint does not verify with the log key ${verifier.name}: ${(err as Error).message}`;
  }
  return null;
}

/** Writes the marker file atomically: temporary file, fsync, rename over the marker, fsync of the folder. */
async function writeMarkerFile(dir: string, marker: MarkerFile): Promise<void> {
  const file = join(dir, MARKER_FILE);
  // Its own name: another process (a command) may be writing the marker at the same moment.
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await open(temp, 'w', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(`${JSON.stringify(marker, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  // The rename is durable once the folder is.
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/** Why the store (null: a SQLite file that is not there) does not hold the marked tree, or null when it does. */
export async function behindMarker(store: Store | null, marked: MarkedTree): Promise<Message | null> {
  const size = store ? await store.logSize() : 0;
  if (size < marked.size) return msg('log.behindMarker', { size, marked: marked.size, at: marked.at });
  if (!store) return null;
  const root = await storedRoot(store, marked.size);
  if (root?.toString('hex') !== marked.rootHash) return msg('log.otherTreeAtMarker', { marked: marked.size, at: marked.at });
  return null;
}

export interface LogMarkerOptions {
  /** The instance's data folder, where the marker is kept. */
  readonly dir: string;
  readonly store: string;
  readonly logKey: string;
  /** The log key's verifier: the marked checkpoints are checked with it when the marker is read. */
  readonly verifier: NoteVerifier;
  /** Told when a write fails (the marker stays as it was; the next checkpoint tries again). */
  readonly onError?: (err: unknown) => void;
}

/** This instance's marker of one store and log key, and the writes that raise it. */
export class LogMarker {
  private current: MarkerEntry | null;
  private pending: MarkedTree | null = null;
  /** Every write of this process to the file, one after the other (each reads the file, changes its part, writes it). */
  private writes: Promise<void> = Promise.resolve();
  private stopped = false;

  /** The trees this instance marked for the same log key under other store names (another prefix, address or path). */
  private readonly elsewhere: readonly MarkerEntry[];

  private constructor(private readonly options: LogMarkerOptions) {
    const logs = readMarkerFile(options.dir, options.verifier).logs.filter((e) => e.logKey === options.logKey);
    this.current = logs.find((e) => e.store === options.store) ?? null;
    this.elsewhere = logs.filter((e) => e.store !== options.store && e.size > 0);
  }

  /** Reads the marker (none when the folder or the file is missing), tightening a looser file. */
  static open(options: LogMarkerOptions): LogMarker {
    tightenFile(join(options.dir, MARKER_FILE));
    return new LogMarker(options);
  }

  /** The tree this instance last marked for the store and key, if any. */
  get marked(): MarkedTree | null {
    return this.current;
  }

  /**
   * Refuses (LogMarkerError) a store that does not hold the marked tree: emptied, replaced or rolled back. Null: the
   * SQLite file is not there (refused before opening it would make an empty one).
   */
  async check(store: Store | null): Promise<void> {
    const file = join(this.options.dir, MARKER_FILE);
    if (this.current) {
      const problem = await behindMarker(store, this.current);
      if (problem) throw new LogMarkerError(bilingual(msg('log.refusedStart', { problem, file })));
      return;
    }
    // An empty store under a name this instance never marked, while it marked a tree of this key under another name: the
    // same store reached by another setting (prefix, address spelling, path), or a new log begun without saying so.
    if (this.elsewhere.length > 0 && (store ? await store.logSize() : 0) === 0) {
      throw new LogMarkerError(bilingual(msg('log.refusedOtherName', { store: this.options.store, marked: describeMarked(this.elsewhere), file })));
    }
  }

  /**
   * Raises the marker to `tree` if it is larger (a smaller one is ignored: the marker only grows). The write happens in
   * the background; trees noted while one is written are written as one, the largest.
   */
  note(tree: MarkedTree): void {
    if (this.stopped) return;
    const known = Math.max(this.current?.size ?? -1, this.pending?.size ?? -1);
    if (tree.size <= known) return;
    const scheduled = this.pending !== null;
    this.pending = tree;
    if (!scheduled) void this.serial(() => this.writePending());
  }

  /** Resolves when every noted tree is written (or failed); then no more are written. */
  async close(): Promise<void> {
    await this.writes;
    this.stopped = true;
  }

  /** Trees archived for this store and key whose `log.marker-archived` entry is not yet appended. */
  unlogged(): ArchivedMarker[] {
    return readMarkerFile(this.options.dir, this.options.verifier).archived.filter((a) => a.store === this.options.store && a.logKey === this.options.logKey && a.logged === null);
  }

  /** Records the index of the entry that logged an archived marker. */
  logged(archived: ArchivedMarker, index: number): Promise<void> {
    const same = (a: ArchivedMarker) => a.archivedAt === archived.archivedAt && a.store === archived.store && a.logKey === archived.logKey;
    return this.serial(async () => {
      const file = readMarkerFile(this.options.dir);
      await writeMarkerFile(this.options.dir, { ...file, archived: file.archived.map((a) => (same(a) ? { ...a, logged: index } : a)) });
    });
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const run = this.writes.then(work);
    this.writes = run.catch(() => undefined);
    return run;
  }

  private async writePending(): Promise<void> {
    const tree = this.pending;
    this.pending = null;
    if (!tree) return;
    const entry: MarkerEntry = { store: this.options.store, logKey: this.options.logKey, ...tree };
    try {
      // Read again before each write: an archive made meanwhile by a command is kept, only this entry replaced.
      const file = readMarkerFile(this.options.dir);
      await writeMarkerFile(this.options.dir, { ...file, logs: [...file.logs.filter((e) => e.store !== entry.store || e.logKey !== entry.logKey), entry] });
      this.current = entry;
    } catch (err) {
      this.options.onError?.(err);
    }
  }
}

/** The marked trees, named by store and size, for a refusal. */
export const describeMarked = (entries: readonly MarkerEntry[]): string => entries.map((e) => `${e.store} (${e.size}, ${e.at})`).join('; ');

/**
 * The trees of a log key marked under other store names, when the store named `store` has no marker of its own: what a
 * start on an empty store is refused for, and what `archive-marker` archives then.
 */
export function markedElsewhere(dir: string, store: string, logKey: string, verifier?: NoteVerifier): MarkerEntry[] {
  const logs = readMarkerFile(dir, verifier).logs.filter((e) => e.logKey === logKey);
  if (logs.some((e) => e.store === store)) return [];
  return logs.filter((e) => e.size > 0);
}

export interface ArchiveOptions {
  readonly dir: string;
  readonly store: string;
  readonly logKey: string;
  /** The store's log size now. */
  readonly storeSize: number;
  readonly command: ArchivedMarker['command'];
  readonly reason: string;
  readonly now?: Date;
}

/**
 * Puts the marker of a store and key aside, so that the next start accepts the store's shorter log; the service records
 * the archived tree in its log at that start (`log.marker-archived`). Returns what was archived; null without a marker.
 */
export async function archiveMarker(options: ArchiveOptions): Promise<ArchivedMarker | null> {
  return (await archiveMarkers(options, (e) => e.store === options.store))[0] ?? null;
}

/**
 * Puts aside the markers of the key that `which` picks (for `archive-marker` on an empty store under a new name: those
 * marked under other names). Each is archived under `options.store`, the store whose next start logs it, and keeps the
 * name it was marked under in `markedAs`.
 */
export async function archiveMarkers(options: ArchiveOptions, which: (entry: MarkerEntry) => boolean): Promise<ArchivedMarker[]> {
  if (!existsSync(join(options.dir, MARKER_FILE))) return [];
  const file = readMarkerFile(options.dir);
  const entries = file.logs.filter((e) => e.logKey === options.logKey && which(e));
  if (entries.length === 0) return [];
  const archived: ArchivedMarker[] = entries.map((entry) => ({
    ...entry,
    store: options.store,
    ...(entry.store === options.store ? {} : { markedAs: entry.store }),
    archivedAt: (options.now ?? new Date()).toISOString(),
    command: options.command,
    reason: options.reason,
    by: `cli:${systemUser()}`,
    storeSize: options.storeSize,
    logged: null,
  }));
  await writeMarkerFile(options.dir, { ...file, logs: file.logs.filter((e) => !entries.includes(e)), archived: [...file.archived, ...archived] });
  return archived;
}

/** The marker of a store and key in a data folder, if any (for the commands). */
export function markerOf(dir: string, store: string, logKey: string, verifier?: NoteVerifier): MarkerEntry | null {
  return readMarkerFile(dir, verifier).logs.find((e) => e.store === store && e.logKey === logKey) ?? null;
}

function systemUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}

// SQLite adapter (better-sqlite3): the embedded default. WAL with synchronous=FULL: a commit returns after fsync.
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { privateDir, privateFile, tightenFile } from '../private-files.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { RecordConflictError, StoreConflictError, type LogBatch, type RecordChange, type Store, type StoredCheckpoint } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS log_entries (idx INTEGER PRIMARY KEY, data BLOB NOT NULL, leaf BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS log_nodes (pos INTEGER PRIMARY KEY, hash BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (collection TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, UNIQUE (collection, key));
CREATE TABLE IF NOT EXISTS changes (id INTEGER PRIMARY KEY, collection TEXT NOT NULL, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);
`;
// Files created before these layouts keep theirs (the statements below serve both, NodeTable picks log_nodes'):
// - log_nodes WITHOUT ROWID, PRIMARY KEY (level, idx): see NodeTable.
// - records WITHOUT ROWID, PRIMARY KEY (collection, key). A rowid table keeps a value of up to about 4 KB on its leaf
//   page where WITHOUT ROWID spills anything over about 1 KB into overflow pages, and a draw's records are 1-8 KB.
// - changes with AUTOINCREMENT. Without it an id is max(id) + 1, and since no change row is ever deleted no id comes
//   back, which is all a feed cursor needs; AUTOINCREMENT only added a write to sqlite_sequence per commit.

/**
 * The log's size is max(idx) + 1 of log_entries (entries are stored from 0 without gaps), read in the append's own
 * transaction. It used to be a row `meta.log_size` written by every append; `meta` is now a view computing the same
 * number, with triggers that ignore writes, so that a binary from before this layout still reads the right size from
 * a file it created and this one has since appended to (a rollback keeps working). An older file's table is checked
 * and replaced once.
 */
const META_VIEW = `
CREATE VIEW IF NOT EXISTS meta (key, value) AS SELECT 'log_size', coalesce(max(idx) + 1, 0) FROM log_entries;
CREATE TRIGGER IF NOT EXISTS meta_insert INSTEAD OF INSERT ON meta BEGIN SELECT 1; END;
CREATE TRIGGER IF NOT EXISTS meta_update INSTEAD OF UPDATE ON meta BEGIN SELECT 1; END;
`;

/**
 * Interior tree nodes (level >= 1; leaves live in log_entries). New files key them by their place in the tree's
 * post-order, so the nodes one append completes are adjacent at the end of the table (one leaf page) instead of one
 * per level, each in its own part of a (level, idx) key. Files from before keep (level, idx). A binary from before
 * refuses a file created with this layout at start (its statements name level and idx); it cannot misread one.
 */
interface NodeTable {
  insert(level: number, index: number, hash: Buffer): void;
  get(level: number, index: number): Buffer | undefined;
  rangeHex(level: number, start: number, end: number): string[];
}

/**
 * Node (level, index) in the post-order of the tree's complete nodes, leaves included: it completes with leaf
 * n - 1 for n = (index + 1)·2^level, when 2n - popcount(n) nodes exist, and the levels above it that complete with
 * the same leaf (trailing zeros of index + 1) come after it.
 */
export function postOrder(level: number, index: number): number {
  const m = index + 1;
  let ones = 0;
  let zeros = 0;
  for (let x = m; x > 0; x = Math.floor(x / 2)) ones += x % 2;
  for (let x = m; x % 2 === 0; x /= 2) zeros++;
  return 2 * m * 2 ** level - ones - 1 - zeros;
}

function nodeTable(db: Database.Database): NodeTable {
  const byPosition = db.prepare<[], number>(`SELECT count(*) FROM pragma_table_info('log_nodes') WHERE name = 'pos'`).pluck().get() === 1;
  if (!byPosition) {
    const insert = db.prepare<[number, number, Buffer]>(`INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)`);
    const get = db.prepare<[number, number], Buffer>(`SELECT hash FROM log_nodes WHERE level = ? AND idx = ?`).pluck();
    const range = db.prepare<[number, number, number], string>(`SELECT lower(hex(hash)) FROM log_nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx`).pluck();
    return { insert: (l, i, h) => void insert.run(l, i, h), get: (l, i) => get.get(l, i), rangeHex: (l, a, b) => range.all(l, a, b) };
  }
  const insert = db.prepare<[number, Buffer]>(`INSERT INTO log_nodes (pos, hash) VALUES (?, ?)`);
  const get = db.prepare<[number], Buffer>(`SELECT hash FROM log_nodes WHERE pos = ?`).pluck();
  // One level's nodes are spread over the post-order: their places are looked up in one statement.
  const range = db.prepare<[string], string>(`SELECT lower(hex(hash)) FROM log_nodes WHERE pos IN (SELECT value FROM json_each(?)) ORDER BY pos`).pluck();
  return {
    insert: (l, i, h) => void insert.run(postOrder(l, i), h),
    get: (l, i) => get.get(postOrder(l, i)),
    rangeHex: (l, a, b) => range.all(JSON.stringify(Array.from({ length: Math.max(0, b - a) }, (_, k) => postOrder(l, a + k)))),
  };
}

/** Claims between two sweeps of the expired leases (leases left to expire would otherwise keep their rows). */
export const LEASE_SWEEP_EVERY = 256;

/**
 * The WAL pages past which a commit checkpoints on the writer's own connection (SQLite's default). Measured with the
 * worker alone (none) against this, 1,000 engine-sized draws in process on a 20k pool, three rounds each: the WAL
 * grew to 136-138 MB against 9.3 MB, 258-345 against 296-378 draws/s one at a time, 519-675 against 598-661 with ten
 * at once.
 */
export const WAL_BACKSTOP_PAGES = 1000;

/**
 * Leases live in a database of their own beside the store's, without fsync: a lease only has to hold while its owner
 * runs, and after a crash it would have expired anyway. So claiming one costs no durable write.
 */
const LEASE_SCHEMA = `CREATE TABLE IF NOT EXISTS lease.leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires INTEGER NOT NULL) WITHOUT ROWID;`;

export interface SqliteStoreOptions {
  /** Database file; parent folders are created. */
  readonly file: string;
  /**
   * Collections whose changes go on the change feed (default: all). One instance runs on SQLite, so only what it
   * follows itself needs a feed row; a draw's calls write some seventy records that nobody reads back from it.
   */
  readonly feed?: readonly string[];
  /**
   * Checkpoint the WAL from a worker thread (sqlite-checkpointer.ts) instead of SQLite's automatic checkpoint on the
   * commit that crosses a thousand pages. On for the service's store; tools that open a store briefly keep SQLite's.
   */
  readonly backgroundCheckpoint?: boolean;
}

/**
 * The database, the leases database beside it and their -wal and -shm files are 0600 in a 0700 folder. SQLite gives a
 * new -wal or -shm file the mode of its main file, so the main files are created 0600 before SQLite opens them.
 */
function privateDatabaseFiles(file: string): void {
  privateDir(dirname(file));
  for (const main of [file, `${file}.leases`]) {
    privateFile(main);
    for (const suffix of ['-wal', '-shm', '-journal']) tightenFile(`${main}${suffix}`);
  }
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly stmt;
  private readonly nodes: NodeTable;
  private readonly appendTx: (batch: LogBatch) => void;
  private readonly feed: ReadonlySet<string> | null;
  private readonly checkpointer: SqliteCheckpointer | null;
  /** Lease claims so far (every LEASE_SWEEP_EVERY-th clears the expired leases). */
  private claims = 0;
  /** Lease claims asked since the last batch was taken (claimLease). */
  private claimQueue: Array<{ name: string; owner: string; ttlMs: number; settle: (granted: boolean) => void; fail: (err: unknown) => void }> = [];

  constructor(options: SqliteStoreOptions) {
    this.feed = options.feed ? new Set(options.feed) : null;
    if (options.file !== ':memory:') privateDatabaseFiles(options.file);
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    // FULL: in WAL mode the WAL is fsynced at every commit, so a committed batch survives power loss.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.db.prepare('ATTACH DATABASE ? AS lease').run(options.file === ':memory:' ? ':memory:' : `${options.file}.leases`);
    this.db.pragma('lease.journal_mode = WAL');
    this.db.pragma('lease.synchronous = OFF');
    this.db.exec(LEASE_SCHEMA);
    this.db.transaction(() => this.replaceMetaTable()).immediate();
    this.checkpointer = null;
    if (options.backgroundCheckpoint && options.file !== ':memory:') {
      // SQLite's own checkpoint stays on beside the worker (sqlite-checkpointer.ts): under steady writes, a checkpoint
      // running beside them never finishes before the next commit, so the WAL is never started over and grows. The
      // commit that takes it past WAL_BACKSTOP_PAGES checkpoints what the worker has not yet copied, with no commit
      // beside it, and the next commit writes the WAL from its start again. Should the worker be lost, this is all.
      this.db.pragma(`wal_autocheckpoint = ${WAL_BACKSTOP_PAGES}`);
      this.checkpointer = new SqliteCheckpointer(options.file);
    }
    this.nodes = nodeTable(this.db);
    this.stmt = {
      size: this.db.prepare<[], number>(`SELECT coalesce(max(idx) + 1, 0) FROM log_entries`).pluck(),
      insertEntry: this.db.prepare<[number, Buffer, Buffer]>(`INSERT INTO log_entries (idx, data, leaf) VALUES (?, ?, ?)`),
      entriesWithLeaves: this.db.prepare<[number, number], [Buffer, string]>(`SELECT data, lower(hex(leaf)) FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx`).raw(),
      leaf: this.db.prepare<[number], Buffer>(`SELECT leaf FROM log_entries WHERE idx = ?`).pluck(),
      leafRange: this.db.prepare<[number, number], string>(`SELECT lower(hex(leaf)) FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx`).pluck(),
      entries: this.db.prepare<[number, number], Buffer>(`SELECT data FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx`).pluck(),
      putCheckpoint: this.db.prepare<[number, string]>(`INSERT INTO checkpoints (size, note) VALUES (?, ?)`),
      latestCheckpoint: this.db.prepare<[], StoredCheckpoint>(`SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1`),
      listCheckpoints: this.db.prepare<[number, number], StoredCheckpoint>(`SELECT size, note FROM checkpoints WHERE size >= ? ORDER BY size LIMIT ?`),
      getRecord: this.db.prepare<[string, string], { value: Buffer }>(`SELECT value FROM records WHERE collection = ? AND key = ?`),
      putRecord: this.db.prepare<[string, string, Buffer]>(`INSERT INTO records (collection, key, value) VALUES (?, ?, ?) ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value`),
      deleteRecord: this.db.prepare<[string, string]>(`DELETE FROM records WHERE collection = ? AND key = ?`),
      listRecords: this.db.prepare<[string], { key: string; value: Buffer }>(`SELECT key, value FROM records WHERE collection = ? ORDER BY key`),
      addChange: this.db.prepare<[string, string]>(`INSERT INTO changes (collection, key) VALUES (?, ?)`),
      changes: this.db.prepare<[number, number], { id: number; collection: string; key: string }>(`SELECT id, collection, key FROM changes WHERE id > ? ORDER BY id LIMIT ?`),
      lease: this.db.prepare<[string], { owner: string; expires: number }>('SELECT owner, expires FROM lease.leases WHERE name = ?'),
      putLease: this.db.prepare<[string, string, number]>('INSERT INTO lease.leases (name, owner, expires) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires = excluded.expires'),
      releaseLease: this.db.prepare<[string, string]>('DELETE FROM lease.leases WHERE name = ? AND owner = ?'),
      sweepLeases: this.db.prepare<[number]>('DELETE FROM lease.leases WHERE expires <= ?'),
      probe: this.db.prepare<[number]>('INSERT INTO probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at'),
    };
    this.appendTx = this.db.transaction((batch: LogBatch) => {
      const size = this.stmt.size.get()!;
      if (size !== batch.start) throw new StoreConflictError(batch.start, size);
      for (const e of batch.expects ?? []) {
        const current = this.stmt.getRecord.get(e.collection, e.key)?.value ?? null;
        if (current === null ? e.value !== null : e.value === null || !current.equals(e.value)) throw new RecordConflictError(e.collection, e.key);
      }
      // Leaf hashes (level 0) live beside their entries, so a verification reads both in one row.
      const leaves = new Map<number, Buffer>();
      for (const n of batch.nodes) {
        if (n.level === 0) leaves.set(n.index, n.hash);
        else this.nodes.insert(n.level, n.index, n.hash);
      }
      batch.entries.forEach((data, i) => {
        const leaf = leaves.get(batch.start + i);
        if (!leaf) throw new Error(`batch lacks the leaf hash of entry ${batch.start + i}`);
        this.stmt.insertEntry.run(batch.start + i, data, leaf);
      });
      for (const w of batch.writes ?? []) {
        if (w.value === null) this.stmt.deleteRecord.run(w.collection, w.key);
        else this.stmt.putRecord.run(w.collection, w.key, w.value);
        if (this.feed === null || this.feed.has(w.collection)) this.stmt.addChange.run(w.collection, w.key);
      }
    });
  }

  async appendLog(batch: LogBatch): Promise<void> {
    // Synchronous on purpose: the transaction commits (and fsyncs) before this line returns.
    this.appendTx(batch);
  }

  async logSize(): Promise<number> {
    return this.stmt.size.get()!;
  }

  /** Creates the `meta` view (see META_VIEW), in place of the table of a file from before it. */
  private replaceMetaTable(): void {
    const kind = this.db.prepare<[], string>(`SELECT type FROM sqlite_master WHERE name = 'meta'`).pluck().get();
    if (kind === 'table') {
      // Both were written by every append, in its transaction: a difference means the file was changed by other hands.
      const stored = this.db.prepare<[], number | null>(`SELECT value FROM meta WHERE key = 'log_size'`).pluck().get() ?? 0;
      const entries = this.db.prepare<[], number>(`SELECT coalesce(max(idx) + 1, 0) FROM log_entries`).pluck().get()!;
      if (stored !== entries) throw new Error(`meta.log_size is ${stored} but log_entries holds ${entries} entries: the database was altered; restore it from a backup`);
      this.db.exec('DROP TABLE meta');
    }
    this.db.exec(META_VIEW);
  }

  async readEntries(start: number, end: number): Promise<Buffer[]> {
    const rows = this.stmt.entries.all(start, end);
    if (rows.length !== Math.max(0, end - start)) throw new Error(`log entries [${start}, ${end}) are not all stored`);
    return rows;
  }

  async readNodes(ids: ReadonlyArray<{ level: number; index: number }>): Promise<Buffer[]> {
    return ids.map(({ level, index }) => {
      const hash = level === 0 ? this.stmt.leaf.get(index) : this.nodes.get(level, index);
      if (!hash) throw new Error(`tree node ${level}:${index} is not stored`);
      return hash;
    });
  }

  async readNodeRangeHex(level: number, start: number, end: number): Promise<string[]> {
    const rows = level === 0 ? this.stmt.leafRange.all(start, end) : this.nodes.rangeHex(level, start, end);
    if (rows.length !== Math.max(0, end - start)) throw new Error(`tree nodes ${level}:[${start}, ${end}) are not all stored`);
    return rows;
  }

  async readEntriesWithLeaves(start: number, end: number): Promise<{ entries: Buffer[]; leafHex: string[] }> {
    const rows = this.stmt.entriesWithLeaves.all(start, end);
    if (rows.length !== Math.max(0, end - start)) throw new Error(`log entries [${start}, ${end}) are not all stored`);
    return { entries: rows.map((r) => r[0]), leafHex: rows.map((r) => r[1]) };
  }

  async putCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    this.stmt.putCheckpoint.run(checkpoint.size, checkpoint.note);
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | null> {
    return this.stmt.latestCheckpoint.get() ?? null;
  }

  async listCheckpoints(fromSize: number, limit: number): Promise<StoredCheckpoint[]> {
    return this.stmt.listCheckpoints.all(fromSize, limit);
  }

  async getRecords(collection: string, keys: readonly string[]): Promise<Array<Buffer | null>> {
    return keys.map((key) => this.stmt.getRecord.get(collection, key)?.value ?? null);
  }

  async getRecord(collection: string, key: string): Promise<Buffer | null> {
    return this.stmt.getRecord.get(collection, key)?.value ?? null;
  }

  async putUnloggedRecord(collection: string, key: string, value: Buffer): Promise<void> {
    this.stmt.putRecord.run(collection, key, value);
  }

  async listRecords(collection: string): Promise<Array<{ key: string; value: Buffer }>> {
    return this.stmt.listRecords.all(collection);
  }

  async readChanges(cursor: string, limit: number, waitMs = 0): Promise<{ cursor: string; changes: RecordChange[] }> {
    const after = cursor === '' ? 0 : Number(cursor);
    let rows = this.stmt.changes.all(after, limit);
    // Polled: SQLite has no notification; a follower of a single-process store rarely waits at all.
    for (const deadline = Date.now() + waitMs; rows.length === 0 && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 20));
      rows = this.stmt.changes.all(after, limit);
    }
    return { cursor: String(rows.at(-1)?.id ?? after), changes: rows.map((r) => ({ collection: r.collection, key: r.key })) };
  }

  /**
   * Claims are taken in batches: every claim asked in one turn of the event loop (a burst's draws starting together as
   * a group commit answers) shares one transaction, taken in the order asked, as if one after the other. In a
   * transaction of its own, a claim took about 50 µs in a burst (profile) and wrote the leases page once more.
   */
  async claimLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return new Promise((settle, fail) => {
      if (this.claimQueue.push({ name, owner, ttlMs, settle, fail }) === 1) setImmediate(() => this.claimQueued());
    });
  }

  private claimQueued(): void {
    const claims = this.claimQueue;
    this.claimQueue = [];
    const now = Date.now();
    let granted: boolean[];
    try {
      granted = this.db.transaction(() =>
        claims.map(({ name, owner, ttlMs }) => {
          // A drawn project's lease is left to expire, not released: expired rows are cleared now and then.
          if (++this.claims % LEASE_SWEEP_EVERY === 0) this.stmt.sweepLeases.run(now);
          const row = this.stmt.lease.get(name);
          if (row && row.owner !== owner && row.expires > now) return false;
          this.stmt.putLease.run(name, owner, now + ttlMs);
          return true;
        }),
      ).immediate();
    } catch (err) {
      for (const c of claims) c.fail(err);
      return;
    }
    claims.forEach((c, i) => c.settle(granted[i]!));
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    this.stmt.releaseLease.run(name, owner);
  }

  async changesHead(): Promise<string> {
    return String(this.db.prepare<[], number | null>('SELECT max(id) FROM changes').pluck().get() ?? 0);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async probeWrite(): Promise<void> {
    // A commit of its own, fsynced like an append (synchronous=FULL).
    this.stmt.probe.run(Date.now());
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }

  /** The background checkpointer, when the store has one (tests, diagnostics). */
  get walCheckpointer(): SqliteCheckpointer | null {
    return this.checkpointer;
  }

  /** The raw database, for the tamper tests and the benchmark's durable-write floor. */
  get database(): Database.Database {
    return this.db;
  }
}

// The SQLite adapter against the conformance suite, on a real database file.
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LEASE_SWEEP_EVERY, postOrder, SqliteStore } from '../../src/store/sqlite-store.js';
import { FOLLOWED_FEED } from '../../src/store/open-store.js';
import { userSessions } from '../../src/records/users.js';
import { POOL_FEED } from '../../src/records/pool.js';
import { selections, selectionWithdrawals } from '../../src/records/selections.js';
import { StoreConflictError, type Store } from '../../src/store/store.js';
import { batchOf, storeConformance } from './conformance.js';

const dirs = new Map<Store, string>();
storeConformance(
  'sqlite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-sqlite-'));
    const store = new SqliteStore({ file: join(dir, 'data', 'expert-draw.db') });
    dirs.set(store, dir);
    return store;
  },
  async (store) => {
    await store.close();
    rmSync(dirs.get(store)!, { recursive: true, force: true });
  },
);
// The same suite on a file made with the earlier layout (its tables are kept), as a store upgraded in place meets it.
storeConformance(
  'sqlite, a file of the earlier layout',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-sqlite-'));
    const file = join(dir, 'data', 'expert-draw.db');
    oldLayoutFile(file, 0);
    const store = new SqliteStore({ file });
    dirs.set(store, dir);
    return store;
  },
  async (store) => {
    await store.close();
    rmSync(dirs.get(store)!, { recursive: true, force: true });
  },
);

describe('SqliteStore', () => {
  it('puts only the followed collections on the change feed when told which, and the service follows no others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-sqlite-'));
    const store = new SqliteStore({ file: join(dir, 'x.db'), feed: ['selections'] });
    try {
      const v = Buffer.from('v');
      await store.appendLog({ ...batchOf(0, 1), writes: [{ collection: 'outbox', key: 'M1', value: v }, { collection: 'selections', key: 'D1', value: v }, { collection: 'rosters', key: 'D1', value: v }] });
      expect((await store.readChanges('', 100)).changes).toEqual([{ collection: 'selections', key: 'D1' }]);
      // The records themselves are all written.
      expect((await store.getRecords('outbox', ['M1']))[0]?.toString()).toBe('v');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
    // What the service follows: the selection history and its withdrawals, the pool should a follower run on SQLite,
    // and login sessions.
    expect([...FOLLOWED_FEED].sort()).toEqual([...POOL_FEED, selections.collection, selectionWithdrawals.collection, userSessions.collection].sort());
  });

  it('runs in WAL mode with synchronous=FULL, and keeps data across reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-sqlite-'));
    const file = join(dir, 'x.db');
    const store = new SqliteStore({ file });
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('synchronous', { simple: true })).toBe(2);
    await store.appendLog(batchOf(0, 4));
    await store.close();
    const again = new SqliteStore({ file });
    expect(await again.logSize()).toBe(4);
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('clears expired leases now and then, so that leases left to expire (a drawn project\'s) keep no rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-sqlite-'));
    const store = new SqliteStore({ file: join(dir, 'x.db') });
    const rows = () => store.database.prepare('SELECT count(*) FROM lease.leases').pluck().get() as number;
    // Leases that nobody gives back, expiring at once, and one held for a minute.
    expect(await store.claimLease('held', 'a', 60_000)).toBe(true);
    for (let i = 1; i < LEASE_SWEEP_EVERY - 1; i++) expect(await store.claimLease(`left-${i}`, 'a', 1)).toBe(true);
    expect(rows()).toBe(LEASE_SWEEP_EVERY - 1);
    await new Promise((r) => setTimeout(r, 5));
    // The next claim sweeps: the expired rows go, the live lease and the new one stay, and the live one still holds.
    expect(await store.claimLease('new', 'b', 60_000)).toBe(true);
    expect(rows()).toBe(2);
    expect(await store.claimLease('held', 'b', 60_000)).toBe(false);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the lease claims of one turn in one transaction, and fails them all when that transaction fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-sqlite-'));
    const file = join(dir, 'x.db');
    const store = new SqliteStore({ file });
    // Each commit appends the pages it changed to the leases file's WAL (a 24-byte header and a page each).
    const walBytes = () => statSync(`${file}.leases-wal`).size;
    const frameBytes = 24 + (store.database.pragma('lease.page_size', { simple: true }) as number);
    expect(await store.claimLease('L', 'a', 60_000)).toBe(true);
    const before = walBytes();
    expect(await Promise.all(Array.from({ length: 20 }, (_, i) => store.claimLease(`L${i}`, 'a', 60_000)))).toEqual(Array(20).fill(true));
    // Twenty claims in one commit: the table's one page, where a commit each would have written it twenty times.
    expect((walBytes() - before) / frameBytes).toBe(1);
    // A store closed before the batch is taken rejects every claim in it.
    const claims = [store.claimLease('M1', 'a', 1000), store.claimLease('M2', 'a', 1000)];
    store.database.close();
    for (const c of claims) await expect(c).rejects.toThrow();
    rmSync(dir, { recursive: true, force: true });
  });

  it('numbers tree nodes in the post-order of the tree, leaves included, each level in index order', () => {
    // The order in which an append-only tree completes its nodes: a leaf, then each level it completes, upwards.
    const completed: Array<[number, number]> = [];
    for (let n = 1; n <= 4096; n++) for (let level = 0; n % 2 ** level === 0; level++) completed.push([level, n / 2 ** level - 1]);
    expect(completed.map(([level, index]) => postOrder(level, index))).toEqual(completed.map((_, i) => i));
    // Exact far beyond 2^32 leaves (no 32-bit arithmetic).
    expect(postOrder(0, 2 ** 40)).toBe(2 ** 41 - 1);
    expect(postOrder(40, 0)).toBe(2 ** 41 - 2);
  });

  it('creates records as a rowid table with a unique (collection, key), log_nodes by post-order place, changes without AUTOINCREMENT, and keeps the size in no row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-sqlite-'));
    const store = new SqliteStore({ file: join(dir, 'x.db') });
    try {
      const v = Buffer.from('v');
      const interior = [{ level: 1, index: 0 }, { level: 1, index: 1 }, { level: 2, index: 0 }].map((id) => ({ ...id, hash: Buffer.alloc(32, id.level * 10 + id.index) }));
      const batch = batchOf(0, 4);
      await store.appendLog({ ...batch, nodes: [...batch.nodes, ...interior], writes: [{ collection: 'rosters', key: 'D2', value: v }, { collection: 'rosters', key: 'D10', value: v }] });
      const db = store.database;
      // The nodes an append completes sit together at the end of the table.
      expect(db.prepare('SELECT pos, hash FROM log_nodes ORDER BY pos').all()).toEqual([{ pos: 2, hash: interior[0]!.hash }, { pos: 5, hash: interior[1]!.hash }, { pos: 6, hash: interior[2]!.hash }]);
      expect(await store.readNodeRangeHex(1, 0, 2)).toEqual([interior[0]!.hash.toString('hex'), interior[1]!.hash.toString('hex')]);
      await expect(store.readNodeRangeHex(1, 1, 3)).rejects.toThrow(/not all stored/);
      const sql = (name: string) => db.prepare<[string], { type: string; sql: string }>(`SELECT type, sql FROM sqlite_master WHERE name = ?`).get(name);
      expect(sql('records')!.sql).toContain('UNIQUE (collection, key)');
      expect(sql('records')!.sql).not.toContain('WITHOUT ROWID');
      expect(sql('changes')!.sql).not.toContain('AUTOINCREMENT');
      expect(sql('sqlite_sequence')).toBeUndefined();
      // The size is max(idx) + 1; `meta` stays readable, for binaries from before, as a view of it.
      expect(sql('meta')!.type).toBe('view');
      expect(db.prepare(`SELECT value FROM meta WHERE key = 'log_size'`).get()).toEqual({ value: 4 });
      // A listing walks the unique index in key order rather than sorting.
      const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT key, value FROM records WHERE collection = ? ORDER BY key`).all('rosters') as Array<{ detail: string }>;
      expect(plan.map((p) => p.detail).join('; ')).toMatch(/USING INDEX sqlite_autoindex_records_1 \(collection=\?\)/);
      expect(plan.map((p) => p.detail).join('; ')).not.toMatch(/TEMP B-TREE/);
      expect((await store.listRecords('rosters')).map((r) => r.key)).toEqual(['D10', 'D2']);
      expect(await store.logSize()).toBe(4);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens a file of the earlier layout and reads, writes and reopens it, keeping its tables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-sqlite-'));
    const file = join(dir, 'x.db');
    oldLayoutFile(file, 3);
    const v = (s: string) => Buffer.from(s);
    let store = new SqliteStore({ file });
    try {
      expect(await store.logSize()).toBe(3);
      expect((await store.readEntries(0, 3)).map(String)).toEqual(batchOf(0, 3).entries.map(String));
      expect((await store.readNodes([{ level: 0, index: 2 }]))[0]).toEqual(batchOf(0, 3).nodes[2]!.hash);
      expect((await store.getRecord('experts', 'E2'))?.toString()).toBe('old E2');
      expect((await store.readChanges('', 10)).changes).toEqual([{ collection: 'experts', key: 'E2' }, { collection: 'experts', key: 'E10' }, { collection: 'experts', key: 'E1' }]);
      await expect(store.appendLog(batchOf(2, 1))).rejects.toThrow(StoreConflictError);
      await store.appendLog({
        ...batchOf(3, 2),
        expects: [{ collection: 'experts', key: 'E1', value: v('old E1') }],
        writes: [{ collection: 'experts', key: 'E1', value: v('new E1') }, { collection: 'experts', key: 'E0', value: v('new E0') }, { collection: 'experts', key: 'E10', value: null }],
      });
      expect(await store.logSize()).toBe(5);
      const { changes, cursor } = await store.readChanges('3', 10);
      expect(cursor).toBe('6');
      expect(changes).toEqual([{ collection: 'experts', key: 'E1' }, { collection: 'experts', key: 'E0' }, { collection: 'experts', key: 'E10' }]);
      await store.close();
      store = new SqliteStore({ file });
      expect(await store.logSize()).toBe(5);
      expect((await store.readEntries(0, 5)).map(String)).toEqual([...batchOf(0, 3).entries, ...batchOf(3, 2).entries].map(String));
      expect((await store.listRecords('experts')).map((r) => [r.key, r.value.toString()])).toEqual([['E0', 'new E0'], ['E1', 'new E1'], ['E2', 'old E2']]);
      await store.putUnloggedRecord('experts', 'E2', v('newer E2'));
      expect((await store.getRecord('experts', 'E2'))?.toString()).toBe('newer E2');
      const sql = (name: string) => store.database.prepare<[string], string>(`SELECT sql FROM sqlite_master WHERE name = ?`).pluck().get(name);
      expect(sql('records')).toContain('WITHOUT ROWID');
      expect(sql('changes')).toContain('AUTOINCREMENT');
      expect(sql('log_nodes')).toContain('PRIMARY KEY (level, idx)');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file of the earlier layout whose stored size disagrees with its entries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-sqlite-'));
    const file = join(dir, 'x.db');
    try {
      oldLayoutFile(file, 3, 2);
      expect(() => new SqliteStore({ file })).toThrow(/meta\.log_size is 2 but log_entries holds 3 entries/);
      // Nothing was changed: the table is still there for an operator to look at.
      const db = new Database(file, { readonly: true });
      expect(db.prepare(`SELECT type FROM sqlite_master WHERE name = 'meta'`).pluck().get()).toBe('table');
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves a file that a binary from before still reads and appends to with the right size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-sqlite-'));
    const file = join(dir, 'x.db');
    try {
      oldLayoutFile(file, 3);
      const store = new SqliteStore({ file });
      await store.appendLog(batchOf(3, 2));
      await store.close();
      // What the earlier SqliteStore ran on opening a file and around each append.
      const db = new Database(file);
      db.exec(OLD_SCHEMA);
      db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('log_size', 0)`).run();
      const size = db.prepare<[], number>(`SELECT value FROM meta WHERE key = 'log_size'`).pluck();
      expect(size.get()).toBe(5);
      const next = batchOf(5, 1);
      db.prepare(`INSERT INTO log_entries (idx, data, leaf) VALUES (?, ?, ?)`).run(5, next.entries[0], next.nodes[0]!.hash);
      db.prepare(`UPDATE meta SET value = ? WHERE key = 'log_size'`).run(6);
      expect(size.get()).toBe(6);
      db.close();
      const again = new SqliteStore({ file });
      expect(await again.logSize()).toBe(6);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The schema of files made before records became a rowid table and the log size a view. */
const OLD_SCHEMA = `
CREATE TABLE IF NOT EXISTS log_entries (idx INTEGER PRIMARY KEY, data BLOB NOT NULL, leaf BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS log_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (collection TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (collection, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (id INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);
`;

/** A file of the earlier layout holding `n` entries and, when n > 0, three expert records, as the earlier store wrote them. */
function oldLayoutFile(file: string, n: number, storedSize = n): void {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(OLD_SCHEMA);
  const batch = batchOf(0, n);
  batch.entries.forEach((data, i) => db.prepare(`INSERT INTO log_entries (idx, data, leaf) VALUES (?, ?, ?)`).run(i, data, batch.nodes[i]!.hash));
  for (const key of n > 0 ? ['E2', 'E10', 'E1'] : []) {
    db.prepare(`INSERT INTO records (collection, key, value) VALUES ('experts', ?, ?)`).run(key, Buffer.from(`old ${key}`));
    db.prepare(`INSERT INTO changes (collection, key) VALUES ('experts', ?)`).run(key);
  }
  db.prepare(`INSERT INTO meta (key, value) VALUES ('log_size', ?)`).run(storedSize);
  db.close();
}

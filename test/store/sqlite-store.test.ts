// The SQLite adapter against the conformance suite, on a real database file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { SQLITE_FEED } from '../../src/store/open-store.js';
import { userSessions } from '../../src/records/users.js';
import { POOL_FEED } from '../../src/records/pool.js';
import { selections } from '../../src/records/selections.js';
import type { Store } from '../../src/store/store.js';
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
    // What the service follows: the selection history, the pool should a follower run on SQLite, and login sessions.
    expect([...SQLITE_FEED].sort()).toEqual([...POOL_FEED, selections.collection, userSessions.collection].sort());
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
});

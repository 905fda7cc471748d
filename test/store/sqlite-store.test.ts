// The SQLite adapter against the conformance suite, on a real database file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
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

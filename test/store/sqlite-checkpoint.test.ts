// The service's SQLite store checkpoints its WAL from a worker thread, so no commit carries a checkpoint's thousand
// pages: the main connection's automatic checkpoint is off, the worker copies the WAL into the database file while
// writes go on, everything written is there after a reopen, and closing the store stops the worker.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'expert-draw-ckpt-'));
  dirs.push(dir);
  return join(dir, 'store.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const page = (i: number) => Buffer.alloc(3000, i % 251);

describe('background WAL checkpoints', () => {
  it('turn SQLite’s own checkpoint off and copy the WAL into the database from the worker while writes go on', async () => {
    const file = tempFile();
    const store = new SqliteStore({ file, backgroundCheckpoint: true });
    expect(store.database.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(store.walCheckpointer).not.toBeNull();
    // Well past SQLite's default threshold of 1,000 pages.
    for (let i = 0; i < 1500; i++) await store.putUnloggedRecord('blobs', `k${i}`, page(i));
    const report = await store.walCheckpointer!.pass();
    expect(report.passes).toBeGreaterThan(0);
    expect(report.copied).toBeGreaterThan(1000);
    // The database file holds the pages now, not only the WAL.
    expect(statSync(file).size).toBeGreaterThan(1500 * 3000);
    await store.close();
    const reopened = new Database(file, { readonly: true });
    try {
      expect(reopened.prepare(`SELECT count(*) AS n FROM records WHERE collection = 'blobs'`).get()).toEqual({ n: 1500 });
    } finally {
      reopened.close();
    }
  });

  it('stops with the store: a pass after close is refused', async () => {
    const store = new SqliteStore({ file: tempFile(), backgroundCheckpoint: true });
    const checkpointer = store.walCheckpointer!;
    await store.close();
    await expect(checkpointer.pass()).rejects.toThrow(/stopped/);
  });

  it('gives the checkpoints back to SQLite when the worker is lost, so the WAL cannot grow without bound', async () => {
    const store = new SqliteStore({ file: tempFile(), backgroundCheckpoint: true });
    expect(store.database.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await store.walCheckpointer!.kill();
    expect(store.database.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await store.putUnloggedRecord('blobs', 'after', page(1));
    await store.close();
  });

  it('is not started for a store opened without it (tools keep SQLite’s automatic checkpoint)', async () => {
    const store = new SqliteStore({ file: tempFile() });
    expect(store.walCheckpointer).toBeNull();
    expect(store.database.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await store.close();
  });
});

// The service's SQLite store checkpoints its WAL from a worker thread, so that few pages are left for a commit to copy:
// the worker copies the WAL into the database file while writes go on, SQLite's own checkpoint stays on beside it so
// that the WAL is started over under steady writes too, everything written is there after a reopen, and closing the
// store stops the worker.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore, WAL_BACKSTOP_PAGES } from '../../src/store/sqlite-store.js';

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
  it('copy the WAL into the database from the worker while writes go on', async () => {
    const file = tempFile();
    const store = new SqliteStore({ file, backgroundCheckpoint: true });
    expect(store.database.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_BACKSTOP_PAGES);
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

  it('keep the WAL bounded under steady writes: the commit past the backstop starts it over, worker or none', async () => {
    // Writes one after the other with no pause, as a burst of draws makes them: a worker's checkpoint always ends with
    // newer frames in the WAL, so with the worker alone the WAL was never started over and grew with every commit
    // (67 MB after 3,844 commits here; 136 MB after 1,000 draws of the benchmark's shape).
    const bound = 2 * WAL_BACKSTOP_PAGES * (4096 + 24);
    for (const lost of [false, true]) {
      const file = tempFile();
      const store = new SqliteStore({ file, backgroundCheckpoint: true });
      if (lost) await store.walCheckpointer!.kill();
      const started = Date.now();
      let i = 0;
      // Long enough for several of the worker's passes (every 100 ms), and well past the backstop.
      while (i < 3 * WAL_BACKSTOP_PAGES || Date.now() - started < 1500) await store.putUnloggedRecord('blobs', `k${i}`, page(i++));
      expect(statSync(`${file}-wal`).size, `${i} commits, worker ${lost ? 'lost' : 'running'}`).toBeLessThan(bound);
      await store.close();
      const reopened = new Database(file, { readonly: true });
      try {
        expect(reopened.prepare(`SELECT count(*) AS n FROM records WHERE collection = 'blobs'`).get()).toEqual({ n: i });
      } finally {
        reopened.close();
      }
    }
  });

  it('is not started for a store opened without it (tools keep SQLite’s automatic checkpoint)', async () => {
    const store = new SqliteStore({ file: tempFile() });
    expect(store.walCheckpointer).toBeNull();
    expect(store.database.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await store.close();
  });
});

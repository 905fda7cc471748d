// The store says which data format it holds. A version that finds a newer one (an upgrade, then a step back to the
// old version) refuses to start and changes nothing; a store from before the stamp is format 1 and stamped at start.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openContext } from '../../src/open-context.js';
import { DATA_FORMAT } from '../../src/records/data-format.js';
import { build } from '../helper.js';
import { importPool } from '../helpers/calls.js';

const dir = mkdtempSync(join(tmpdir(), 'expert-draw-data-format-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stamp = (): string | null => {
  const db = new Database(join(dir, 'data', 'expert-draw.db'), { readonly: true });
  try {
    return (db.prepare("SELECT value FROM records WHERE collection = 'data-format' AND key = 'store'").get() as { value: Buffer } | undefined)?.value.toString('utf8') ?? null;
  } finally {
    db.close();
  }
};
const setStamp = (value: string | null) => {
  const db = new Database(join(dir, 'data', 'expert-draw.db'));
  try {
    db.prepare("DELETE FROM records WHERE collection = 'data-format'").run();
    if (value !== null) db.prepare("INSERT INTO records (collection, key, value) VALUES ('data-format', 'store', ?)").run(Buffer.from(value));
  } finally {
    db.close();
  }
};

it('refuses a store of a newer data format, changing nothing, and stamps one from before the stamp', async () => {
  expect(DATA_FORMAT).toBe(1);
  const t = await build();
  await importPool(t, 'data-format', 5);
  const size = await t.ctx.store.logSize();
  cpSync(t.config.EXPERT_DRAW_DATA_DIR, join(dir, 'data'), { recursive: true });
  cpSync(t.config.EXPERT_DRAW_KEYS_DIR, join(dir, 'keys'), { recursive: true });
  await t.close();
  const config = loadConfig({ EXPERT_DRAW_DATA_DIR: join(dir, 'data'), EXPERT_DRAW_KEYS_DIR: join(dir, 'keys') });
  // A new store is stamped when it is first opened.
  expect(JSON.parse(stamp()!)).toMatchObject({ format: 1 });

  // Written by a newer version: refused, naming both formats and the way back; the stamp and the log as they were.
  const newer = JSON.stringify({ format: 2, since: '2027-03-01T00:00:00.000Z' });
  setStamp(newer);
  await expect(openContext(config)).rejects.toThrow(/the store holds data format 2, written by a newer version of expert-draw; this version reads format 1 .*restoring the backup taken before the upgrade/);
  expect(stamp()).toBe(newer);
  // An unreadable stamp is refused too.
  setStamp(JSON.stringify({ format: 'one' }));
  await expect(openContext(config)).rejects.toThrow(/data format record is not readable/);

  // A store from before the stamp (none): format 1, stamped, and it runs.
  setStamp(null);
  const own = await openContext(config);
  try {
    expect(await own.ctx.store.logSize()).toBe(size);
    expect(own.ctx.pool.size()).toBe(5);
  } finally {
    await own.close();
  }
  expect(JSON.parse(stamp()!)).toMatchObject({ format: 1 });
});

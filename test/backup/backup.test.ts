// Backups of the SQLite store taken while draws run, and restores that check what they restore: the whole log
// against the operator's log key, and a checkpoint kept apart. Real SQLite files throughout.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import { backupSqlite, BackupError, CHECKPOINT_FILE, MANIFEST_FILE, restoreSqlite } from '../../src/backup/backup.js';
import { KEY_FILES } from '../../src/instance-keys.js';
import { verifyLog } from '../../src/log/verify.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { draws as drawRecords } from '../../src/records/draws.js';
import { SQLITE_FILE } from '../../src/store/open-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { build, type Built } from '../helper.js';

const op: TokenClaims = { sub: 'op', role: 'operator', iat: 0, exp: 0 };
const pool = generatePool({ size: 300, seed: 'backup', fixed: [{ code: 'C990101', members: 200 }] });
let t: Built;
const work = mkdtempSync(join(tmpdir(), 'expert-draw-backup-'));

const register = (id: string) =>
  t.ctx.projects.register(
    {
      project: { id, tenderer: syntheticUscc(9801), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: '2027-06-01T10:00:00+08:00', region: '330106' },
      request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 },
      name: null,
      venue: '3号评标室',
      leadTimeMinutes: undefined,
    },
    op,
  );

const restoreOptions = (fromDir: string, dataDir: string, checkpoint?: string) => ({
  fromDir,
  dataDir,
  verifier: t.ctx.keys.logVerifier,
  origin: t.config.EXPERT_DRAW_LOG_ORIGIN,
  ...(checkpoint === undefined ? {} : { checkpoint }),
});
const backupOf = (outDir: string, withPrivateKeys = false) => backupSqlite({ dataDir: t.config.EXPERT_DRAW_DATA_DIR, keysDir: t.config.EXPERT_DRAW_KEYS_DIR, outDir, withPrivateKeys });

beforeAll(async () => {
  t = await build({ EXPERT_DRAW_CHECKPOINT_INTERVAL_MS: '50' });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  for (let i = 0; i < 60; i++) await register(`P-BK-${i}`);
}, 60_000);
afterAll(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

describe('backup and restore (SQLite)', () => {
  it('takes a backup while draws run; the restore verifies and holds every draw acknowledged before it began', async () => {
    const before = await Promise.all(Array.from({ length: 20 }, (_, i) => t.ctx.draws.run(`P-BK-${i}`, 'immediate', op)));
    // Draws keep landing while the pages are copied.
    const during = Promise.all(Array.from({ length: 20 }, (_, i) => t.ctx.draws.run(`P-BK-${20 + i}`, 'immediate', op)));
    const out = join(work, 'b1');
    const manifest = await backupOf(out);
    await during;
    expect(manifest.logSize).toBeGreaterThan(0);
    expect(Object.keys(manifest.keys).sort()).toEqual([KEY_FILES.jwtPublic, KEY_FILES.logVerifier, KEY_FILES.sealingPublic].sort());
    // No private key unless asked; the copy is 0600.
    expect(existsSync(join(out, KEY_FILES.sealingPrivate))).toBe(false);
    expect(statSync(join(out, SQLITE_FILE)).mode & 0o777).toBe(0o600);

    const data = join(work, 'restored-1');
    const report = await restoreSqlite(restoreOptions(out, data));
    expect(report.logSize).toBe(manifest.logSize);
    const restored = new SqliteStore({ file: join(data, SQLITE_FILE) });
    try {
      expect((await verifyLog({ store: restored, verifier: t.ctx.keys.logVerifier, origin: t.config.EXPERT_DRAW_LOG_ORIGIN })).ok).toBe(true);
      for (const d of before) {
        const found = (await drawRecords.read(restored, d.drawId))?.value;
        expect(found?.state, d.drawId).toBe('drawn');
        // Its result entry is in the restored log, where the record says.
        const [entry] = await restored.readEntries(found!.resultIndex!, found!.resultIndex! + 1);
        expect(JSON.parse(entry!.toString()).type).toBe('draw.result');
      }
      // Every draw the snapshot holds has its entries too: record and log never disagree.
      for (const { value } of await drawRecords.list(restored)) if (value.resultIndex !== null) expect(value.resultIndex).toBeLessThan(report.logSize);
    } finally {
      await restored.close();
    }
  }, 60_000);

  it('refuses a backup whose log was altered, one older than a kept checkpoint, a forged checkpoint and a non-empty target', async () => {
    const out = join(work, 'b2');
    const manifest = await backupOf(out, true);
    expect(manifest.privateKeysIncluded).toBe(true);
    expect(statSync(join(out, KEY_FILES.sealingPrivate)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(out, MANIFEST_FILE), 'utf8')).not.toContain('PRIVATE');
    const kept = readFileSync(join(out, CHECKPOINT_FILE), 'utf8');
    // A second backup into the same folder is refused, and so is a folder holding anything else.
    await expect(backupOf(out)).rejects.toThrow(BackupError);
    const busy = join(work, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'not a backup');
    await expect(backupOf(busy)).rejects.toThrow(/is not empty; choose an empty folder/);

    // The service goes on; a later checkpoint, kept apart, is newer than this backup.
    for (let i = 40; i < 45; i++) await t.ctx.draws.run(`P-BK-${i}`, 'immediate', op);
    await new Promise((r) => setTimeout(r, 300));
    const later = join(work, 'b3');
    await backupOf(later);
    const newer = readFileSync(join(later, CHECKPOINT_FILE), 'utf8');
    await expect(restoreSqlite(restoreOptions(out, join(work, 'r-old'), newer))).rejects.toThrow(/fewer than the \d+ of the kept checkpoint/);
    expect(existsSync(join(work, 'r-old', SQLITE_FILE))).toBe(false);
    // A later backup holds the tree of an earlier checkpoint.
    expect((await restoreSqlite(restoreOptions(later, join(work, 'r-later'), kept))).keptCheckpoint).toBeGreaterThan(0);
    await expect(restoreSqlite(restoreOptions(later, join(work, 'r-later')))).rejects.toThrow(/restore only into an empty data folder/);

    // A kept "checkpoint" that the log key did not sign is refused.
    const forged = kept.replace(/\n\n[\s\S]*$/, '\n\n\u2014 someone AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n');
    await expect(restoreSqlite(restoreOptions(later, join(work, 'r-forged'), forged))).rejects.toThrow(/does not open with the log key/);

    // A record of the backup changed (an expert's status), the log untouched: refused by the database's signature.
    const edited = join(work, 'b-edit');
    await backupOf(edited);
    const records = new Database(join(edited, SQLITE_FILE));
    const held = records.prepare("SELECT key, value FROM records WHERE collection = 'experts' LIMIT 1").get() as { key: string; value: Buffer };
    records.prepare("UPDATE records SET value = ? WHERE collection = 'experts' AND key = ?").run(Buffer.from(held.value.toString().replace('"status":"active"', '"status":"blacklisted"')), held.key);
    records.close();
    await expect(restoreSqlite(restoreOptions(edited, join(work, 'r-edit')))).rejects.toThrow(/is not the one the backup signed .* it was changed after the backup was taken/);
    expect(existsSync(join(work, 'r-edit', SQLITE_FILE))).toBe(false);
    // A manifest whose signature was made to fit another database: the log key did not sign it.
    const manifestFile = join(edited, MANIFEST_FILE);
    const m = JSON.parse(readFileSync(manifestFile, 'utf8'));
    writeFileSync(manifestFile, JSON.stringify({ ...m, database: { ...m.database, sha256: createHash('sha256').update(readFileSync(join(edited, SQLITE_FILE))).digest('hex') } }));
    await expect(restoreSqlite(restoreOptions(edited, join(work, 'r-edit')))).rejects.toThrow(/does not verify with the log key/);
    // Nor does a WAL beside the signed file (SQLite would replay it over the signed bytes), nor one left in the target.
    const walBackup = join(work, 'b-wal');
    await backupOf(walBackup);
    writeFileSync(join(walBackup, `${SQLITE_FILE}-wal`), 'not a checkpointed journal');
    await expect(restoreSqlite(restoreOptions(walBackup, join(work, 'r-wal')))).rejects.toThrow(/-wal lies beside the backup's database/);
    rmSync(join(walBackup, `${SQLITE_FILE}-wal`));
    mkdirSync(join(work, 'r-wal'), { recursive: true });
    writeFileSync(join(work, 'r-wal', `${SQLITE_FILE}-wal`), 'an old journal');
    await expect(restoreSqlite(restoreOptions(walBackup, join(work, 'r-wal')))).rejects.toThrow(/-wal exists: restore only into an empty data folder/);
    expect(existsSync(join(work, 'r-wal', SQLITE_FILE))).toBe(false);
    // The backup folder is left as it was: the restore checks and verifies its own copy.
    const before = readFileSync(join(walBackup, SQLITE_FILE));
    const listing = readdirSync(walBackup);
    expect((await restoreSqlite(restoreOptions(walBackup, join(work, 'r-wal-ok')))).databaseSigned).toBe(true);
    expect(readFileSync(join(walBackup, SQLITE_FILE)).equals(before)).toBe(true);
    expect(readdirSync(walBackup)).toEqual(listing);
    expect(readdirSync(join(work, 'r-wal-ok')).filter((f) => f.startsWith(SQLITE_FILE))).toEqual([SQLITE_FILE]);
    // Nor does deleting the signature switch the check off (the edited record would be restored as it is).
    const { database: _removed, ...stripped } = m;
    writeFileSync(manifestFile, JSON.stringify(stripped));
    await expect(restoreSqlite(restoreOptions(edited, join(work, 'r-edit')))).rejects.toThrow(/holds no signature/);
    expect(existsSync(join(work, 'r-edit', SQLITE_FILE))).toBe(false);

    // One entry of the backup rewritten: the log no longer verifies, nothing is restored.
    const db = new Database(join(out, SQLITE_FILE));
    const row = db.prepare('SELECT idx, data FROM log_entries ORDER BY idx DESC LIMIT 1').get() as { idx: number; data: Buffer };
    db.prepare('UPDATE log_entries SET data = ? WHERE idx = ?').run(Buffer.from(row.data.toString().replace('"type":"', '"type":"x')), row.idx);
    db.close();
    await expect(restoreSqlite(restoreOptions(out, join(work, 'r-bad')))).rejects.toThrow(/is not the one the backup signed/);
    // Its signature deleted from the manifest: refused, unless the operator takes the records on trust — and even
    // then, as a backup from before signed databases, the log refuses it.
    const outManifest = join(out, MANIFEST_FILE);
    const { database: _signed, ...unsigned } = JSON.parse(readFileSync(outManifest, 'utf8'));
    writeFileSync(outManifest, JSON.stringify(unsigned));
    await expect(restoreSqlite(restoreOptions(out, join(work, 'r-bad')))).rejects.toThrow(/holds no signature of the backup's database.*--accept-unsigned/);
    await expect(restoreSqlite({ ...restoreOptions(out, join(work, 'r-bad')), acceptUnsigned: true })).rejects.toThrow(/does not verify/);
    // A manifest that names another store is refused before anything is read.
    writeFileSync(outManifest, JSON.stringify({ ...unsigned, store: 'redis' }));
    await expect(restoreSqlite({ ...restoreOptions(out, join(work, 'r-bad')), acceptUnsigned: true })).rejects.toThrow(/does not say the backup is of the embedded SQLite store \(store: "redis"\)/);
    writeFileSync(outManifest, JSON.stringify({ ...unsigned, database: null }));
    await expect(restoreSqlite(restoreOptions(out, join(work, 'r-bad')))).rejects.toThrow(/holds no signature/);
    expect(existsSync(join(work, 'r-bad', SQLITE_FILE))).toBe(false);
  }, 60_000);
  it('refuses a backup taken by a newer version (a newer data format) before restoring anything', async () => {
    const live = await t.ctx.store.getRecord('data-format', 'store');
    expect(JSON.parse(live!.toString('utf8'))).toMatchObject({ format: 1 });
    // As a newer version would have stamped the store it backed up: signed like any backup, with the same log key.
    await t.ctx.store.putUnloggedRecord('data-format', 'store', Buffer.from(JSON.stringify({ format: 2, since: '2027-03-01T00:00:00.000Z' })));
    const out = join(work, 'b-newer');
    try {
      await backupOf(out);
    } finally {
      await t.ctx.store.putUnloggedRecord('data-format', 'store', live!);
    }
    await expect(restoreSqlite(restoreOptions(out, join(work, 'r-newer')))).rejects.toThrow(/this backup holds data format 2, taken by a newer version of expert-draw; this version reads format 1: restore it with that version/);
    expect(readdirSync(join(work, 'r-newer'))).toEqual([]);
  }, 60_000);
});

// A restart on an emptied store must not start a new log silently: the instance keeps, outside the store, the largest
// tree it signed (its log marker), and a start on a store behind it — a SQLite file deleted or replaced, a Redis prefix
// flushed while the service was down — is refused naming both sizes. Archiving the marker (a restore, `expert-draw log
// archive-marker`) is the deliberate way past it, recorded in the log at the next start. Real SQLite files, real Redis.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { backupSqlite, restoreSqlite } from '../../src/backup/backup.js';
import { MARKER_FILE } from '../../src/log/log-marker.js';
import { SQLITE_FILE } from '../../src/store/open-store.js';
import { syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { deleteRedisKeys, holdPrefix, redisKeys, SHARED_REDIS_URL } from '../helpers/redis-keys.js';

const root = mkdtempSync(join(tmpdir(), 'expert-draw-marker-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Settings of one instance: its own data folder, a keys folder (shared by instances of one log), a store. */
const instance = (name: string, keys: string, extra: Record<string, string> = {}) => ({
  EXPERT_DRAW_DATA_DIR: join(root, name, 'data'),
  EXPERT_DRAW_KEYS_DIR: join(root, keys),
  EXPERT_DRAW_CHECKPOINT_INTERVAL_MS: '50',
  ...extra,
});

let org = 100;
/** One state change, one entry. */
async function write(t: Built): Promise<void> {
  const res = await t.app.inject({ method: 'PUT', url: `/v1/organisations/${syntheticUscc(org++)}`, headers: t.auth('admin'), payload: { name: '某某公司' } });
  expect(res.statusCode, res.body).toBe(200);
}

/** Starts, writes `n` entries, stops cleanly (a final checkpoint); returns the log size. */
async function run(env: Record<string, string>, n: number): Promise<number> {
  const t = await build(env);
  try {
    for (let i = 0; i < n; i++) await write(t);
    return t.ctx.auditLog.size;
  } finally {
    await t.close();
  }
}

/** The start's refusal message. */
async function refusal(env: Record<string, string>): Promise<string> {
  const err = await build(env).then(
    async (t) => {
      await t.close();
      return null;
    },
    (e: unknown) => e as Error,
  );
  expect(err, 'the start was not refused').not.toBeNull();
  return err!.message;
}

const marker = (env: Record<string, string>) => JSON.parse(readFileSync(join(env.EXPERT_DRAW_DATA_DIR!, MARKER_FILE), 'utf8')) as { logs: Array<{ size: number; rootHash: string; store: string }>; archived: Array<{ size: number; command: string; logged: number | null; storeSize: number }> };
const removeDatabase = (env: Record<string, string>) => {
  const db = join(env.EXPERT_DRAW_DATA_DIR!, SQLITE_FILE);
  for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}.leases`, `${db}.leases-wal`, `${db}.leases-shm`]) rmSync(f, { force: true });
};

/** `expert-draw log archive-marker` as an operator runs it, with the instance's settings. */
function archiveCommand(env: Record<string, string>, reason: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'log', 'archive-marker', '--reason', reason], {
    env: { ...process.env, EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE: 'true', REDIS_URL: SHARED_REDIS_URL, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** An `expert-draw` command as an operator runs it, with the instance's settings, in the language of `lang`. */
function command(env: Record<string, string>, args: string[], lang = 'en_US.UTF-8') {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env: { ...process.env, EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE: 'true', REDIS_URL: SHARED_REDIS_URL, LC_ALL: lang, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** The log's entries' types, in order. */
async function types(env: Record<string, string>): Promise<string[]> {
  const t = await build(env);
  try {
    const size = await t.ctx.store.logSize();
    return (await t.ctx.store.readEntries(0, size)).map((b) => (JSON.parse(b.toString()) as { type: string }).type);
  } finally {
    await t.close();
  }
}

describe('the log marker on SQLite', () => {
  const env = instance('sqlite-a', 'keys-a', { EXPERT_DRAW_STORE: 'sqlite' });

  it('follows the signed checkpoints into the data folder (0600), and a restart on the same store goes on', async () => {
    const size = await run(env, 3);
    expect(size).toBe(3);
    const file = join(env.EXPERT_DRAW_DATA_DIR, MARKER_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(marker(env).logs).toEqual([expect.objectContaining({ size: 3, store: `sqlite:${join(env.EXPERT_DRAW_DATA_DIR, SQLITE_FILE)}` })]);
    expect(await run(env, 2)).toBe(5);
    expect(marker(env).logs[0]!.size).toBe(5);
  });

  it('refuses a start after the database file was deleted, naming both sizes in English and Chinese, and makes no empty file', async () => {
    removeDatabase(env);
    const message = await refusal(env);
    expect(message).toContain('refusing to start: the store’s log is of size 0, smaller than the size 5 this instance signed or saw confirmed');
    expect(message).toContain('拒绝启动：存储中的审计日志只有 0 条记录，少于本实例已签署或确认的 5 条');
    expect(message).toContain('expert-draw log archive-marker');
    expect(existsSync(join(env.EXPERT_DRAW_DATA_DIR, SQLITE_FILE))).toBe(false);
  });

  it('refuses a database replaced by another log of the same key, even a longer one', async () => {
    const other = instance('sqlite-other', 'keys-a', { EXPERT_DRAW_STORE: 'sqlite' });
    expect(await run(other, 7)).toBe(7);
    mkdirSync(env.EXPERT_DRAW_DATA_DIR, { recursive: true });
    cpSync(join(other.EXPERT_DRAW_DATA_DIR, SQLITE_FILE), join(env.EXPERT_DRAW_DATA_DIR, SQLITE_FILE));
    const message = await refusal(env);
    expect(message).toContain('the store’s log at size 5 is not the tree this instance signed or saw confirmed');
    expect(message).toContain('存储中是另一份日志');
    removeDatabase(env);
  });

  it('starts over only after `log archive-marker`, and the new log opens with the archived tree', () => {
    const refused = archiveCommand(env, '');
    expect(refused.status).not.toBe(0);
    const run1 = archiveCommand(env, 'test data removed before going live');
    expect(run1.status, run1.stderr).toBe(0);
    expect(run1.stdout).toContain('this instance had signed or seen a tree of size 5');
    expect(marker(env).logs).toEqual([]);
    expect(marker(env).archived).toEqual([expect.objectContaining({ size: 5, storeSize: 0, command: 'archive-marker', logged: null })]);
    // Nothing left to archive: refused, naming why.
    const again = archiveCommand(env, 'once more');
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('no log marker of this store');
  }, 60_000);

  it('then the next start records it as entry 0 and marks the new log', async () => {
    expect(await run(env, 1)).toBe(2);
    expect(await types(env)).toEqual(['log.marker-archived', 'organisation.upserted']);
    expect(marker(env).archived[0]!.logged).toBe(0);
    expect(marker(env).logs[0]!.size).toBe(2);
  });

  it('a restore of an older backup archives the marker (what was set aside is said and logged), and the service starts on it', async () => {
    await run(env, 2);
    const out = join(root, 'backup-a');
    const t = await build(env);
    let verifier;
    try {
      await t.ctx.auditLog.checkpoint();
      await backupSqlite({ dataDir: env.EXPERT_DRAW_DATA_DIR, keysDir: env.EXPERT_DRAW_KEYS_DIR, outDir: out });
      await write(t);
      await write(t);
      verifier = t.ctx.keys.logVerifier;
    } finally {
      await t.close();
    }
    expect(marker(env).logs[0]!.size).toBe(6);
    removeDatabase(env);
    expect(await refusal(env)).toContain('the store’s log is of size 0, smaller than the size 6');
    const report = await restoreSqlite({ fromDir: out, dataDir: env.EXPERT_DRAW_DATA_DIR, verifier, origin: t.config.EXPERT_DRAW_LOG_ORIGIN });
    expect(report.logSize).toBe(4);
    expect(report.markerArchived).toEqual({ size: 6, at: expect.any(String), otherHistory: false });
    expect(marker(env).logs).toEqual([]);
    expect((await types(env)).slice(4)).toEqual(['log.marker-archived']);
    expect(marker(env).archived.at(-1)).toEqual(expect.objectContaining({ size: 6, storeSize: 4, command: 'restore', logged: 4 }));
  });

  it('a restore of a backup that holds the marked tree leaves the marker as it is', async () => {
    const out = join(root, 'backup-b');
    await backupSqlite({ dataDir: env.EXPERT_DRAW_DATA_DIR, keysDir: env.EXPERT_DRAW_KEYS_DIR, outDir: out });
    const before = marker(env).logs;
    removeDatabase(env);
    const t = await build(instance('verifier-only', 'keys-a'));
    try {
      const report = await restoreSqlite({ fromDir: out, dataDir: env.EXPERT_DRAW_DATA_DIR, verifier: t.ctx.keys.logVerifier, origin: t.config.EXPERT_DRAW_LOG_ORIGIN });
      expect(report.markerArchived).toBeNull();
    } finally {
      await t.close();
    }
    expect(marker(env).logs).toEqual(before);
    expect(await run(env, 1)).toBe(before[0]!.size + 1);
  });
});

describe('the log marker on Redis', () => {
  const prefix = `test:marker:${randomBytes(6).toString('hex')}:`;
  const redis = { EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_REDIS_PREFIX: prefix };
  const a = instance('redis-a', 'keys-r', redis);
  const b = instance('redis-b', 'keys-r', redis);
  // Held for the whole describe: the helper would otherwise delete the prefix when each instance closes.
  const release = holdPrefix(prefix);
  afterAll(async () => {
    await release();
    await deleteRedisKeys(prefix);
  });

  it('two instances with their own data folders keep their own markers of the one log, and restart', async () => {
    const ta = await build(a);
    const tb = await build(b);
    try {
      await write(ta);
      await write(tb);
      await write(ta);
    } finally {
      await tb.close();
      await ta.close();
    }
    const ma = marker(a).logs;
    const mb = marker(b).logs;
    expect(ma).toHaveLength(1);
    expect(mb).toHaveLength(1);
    expect(ma[0]!.store).toBe(`redis://127.0.0.1:6379/0 prefix ${JSON.stringify(prefix)}`);
    expect(ma[0]!.size).toBe(3);
    expect(mb[0]!.size).toBeGreaterThanOrEqual(2);
    // A marker behind the store (b's) is no problem: both start again.
    expect(await run(b, 1)).toBe(4);
    expect(await run(a, 1)).toBe(5);
    expect(marker(a).logs[0]!.size).toBe(5);
    expect(marker(b).logs[0]!.size).toBe(4);
  });

  it('refuses a start after the prefix was flushed, for each instance, naming both sizes', async () => {
    await deleteRedisKeys(prefix);
    expect(await refusal(a)).toContain('refusing to start: the store’s log is of size 0, smaller than the size 5');
    expect(await refusal(b)).toContain('smaller than the size 4');
  });

  it('after `log archive-marker` on each instance, the new log records both archived trees', async () => {
    for (const env of [a, b]) {
      const archived = archiveCommand(env, 'Redis emptied by a FLUSHALL; new log');
      expect(archived.status, archived.stderr).toBe(0);
    }
    expect(await run(a, 0)).toBe(1);
    expect(await run(b, 1)).toBe(3);
    expect(await types(a)).toEqual(['log.marker-archived', 'log.marker-archived', 'organisation.upserted']);
    expect(marker(a).archived[0]!.logged).toBe(0);
    expect(marker(b).archived[0]!.logged).toBe(1);
  }, 90_000);
});

describe('the log marker under another name of the store', () => {
  it('a SQLite data folder reached through a symbolic link is the same store: its emptied database is refused', async () => {
    const env = instance('sqlite-real', 'keys-n', { EXPERT_DRAW_STORE: 'sqlite' });
    expect(await run(env, 2)).toBe(2);
    const link = join(root, 'sqlite-link');
    symlinkSync(env.EXPERT_DRAW_DATA_DIR, link);
    removeDatabase(env);
    expect(await refusal({ ...env, EXPERT_DRAW_DATA_DIR: link })).toContain('smaller than the size 2');
    // An emptied (zero-length) database file is refused without a byte written into it.
    writeFileSync(join(env.EXPERT_DRAW_DATA_DIR, SQLITE_FILE), '');
    expect(await refusal(env)).toContain('smaller than the size 2');
    expect(statSync(join(env.EXPERT_DRAW_DATA_DIR, SQLITE_FILE)).size).toBe(0);
  });

  const prefix = `test:marker:${randomBytes(6).toString('hex')}:`;
  const renamed = `test:marker:${randomBytes(6).toString('hex')}:`;
  const env = instance('redis-renamed', 'keys-n', { EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_REDIS_PREFIX: prefix });
  const release = [holdPrefix(prefix), holdPrefix(renamed)];
  afterAll(async () => {
    for (const r of release) await r();
    await deleteRedisKeys(prefix);
    await deleteRedisKeys(renamed);
  });

  it('an empty log under another Redis prefix or address spelling is refused, naming the marked store, and nothing is written', async () => {
    expect(await run(env, 3)).toBe(3);
    const message = await refusal({ ...env, EXPERT_DRAW_REDIS_PREFIX: renamed });
    expect(message).toContain('refusing to start: the store redis://127.0.0.1:6379/0 prefix');
    expect(message).toContain(`under another store name: redis://127.0.0.1:6379/0 prefix ${JSON.stringify(prefix)} (3,`);
    expect(message).toContain('fix the setting');
    expect(message).toContain('expert-draw log archive-marker');
    expect(message).toContain('请改正设置');
    expect(await redisKeys(renamed)).toEqual([]);
    // The same server spelled otherwise, on an emptied prefix: refused too.
    await deleteRedisKeys(prefix);
    expect(await refusal({ ...env, REDIS_URL: 'redis://localhost:6379' })).toContain('redis://localhost:6379/0 prefix');
    expect(await redisKeys(prefix)).toEqual([]);
  });

  it('`log archive-marker` under the new prefix archives the marker of the old name, and the new log records it', async () => {
    const moved = { ...env, EXPERT_DRAW_REDIS_PREFIX: renamed };
    const archived = archiveCommand(moved, 'new prefix, new log');
    expect(archived.status, archived.stderr).toBe(0);
    expect(archived.stdout).toContain(`archived the log marker of redis://127.0.0.1:6379/0 prefix ${JSON.stringify(prefix)}: this instance had signed or seen a tree of size 3`);
    expect(marker(env).logs).toEqual([]);
    expect(await run(moved, 0)).toBe(1);
    expect(await types(moved)).toEqual(['log.marker-archived']);
  }, 60_000);
});

describe('a restore of a backup of another history', () => {
  const x = instance('fork-x', 'keys-f', { EXPERT_DRAW_STORE: 'sqlite' });
  const y = instance('fork-y', 'keys-f', { EXPERT_DRAW_STORE: 'sqlite' });
  const out = join(root, 'backup-fork');

  it('is refused, in English and Chinese, as another tree than the one signed (not an older backup), and nothing is restored', async () => {
    expect(await run(x, 3)).toBe(3);
    expect(await run(y, 5)).toBe(5);
    await backupSqlite({ dataDir: y.EXPERT_DRAW_DATA_DIR, keysDir: y.EXPERT_DRAW_KEYS_DIR, outDir: out });
    removeDatabase(x);
    const before = marker(x);
    const en = command(x, ['restore', '--from', out, '--quiet']);
    expect(en.status).not.toBe(0);
    expect(en.stderr).toContain('the backup holds another tree than the one this instance signed or saw confirmed (its log marker: size 3');
    expect(en.stderr).toContain('--replace-history');
    expect(en.stderr).not.toContain('are not restored');
    const zh = command(x, ['restore', '--from', out, '--quiet'], 'zh_CN.UTF-8');
    expect(zh.stderr).toContain('这是同一密钥下的另一份历史');
    expect(existsSync(join(x.EXPERT_DRAW_DATA_DIR, SQLITE_FILE))).toBe(false);
    expect(marker(x)).toEqual(before);
  }, 60_000);

  it('with --replace-history the marker is archived, said as a replaced history, and logged at the next start', async () => {
    const done = command(x, ['restore', '--from', out, '--quiet', '--replace-history']);
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toContain('the backup is another history (--replace-history): the log this instance signed or saw at size 3');
    expect(marker(x).archived).toEqual([expect.objectContaining({ size: 3, storeSize: 5, command: 'restore', reason: expect.stringContaining('another history') })]);
    expect(await run(x, 0)).toBe(6);
    expect((await types(x)).at(-1)).toBe('log.marker-archived');
  }, 60_000);
});

describe('a marker changed by hand', () => {
  const env = instance('edited', 'keys-e', { EXPERT_DRAW_STORE: 'sqlite' });
  const file = () => join(env.EXPERT_DRAW_DATA_DIR, MARKER_FILE);
  let good = '';
  const edit = (change: (entry: Record<string, unknown>) => void) => {
    const parsed = JSON.parse(good) as { logs: Array<Record<string, unknown>> };
    change(parsed.logs[0]!);
    writeFileSync(file(), JSON.stringify(parsed));
  };

  it('a forged checkpoint is refused, naming the file, by archive-marker and by the start, and never reaches the log', async () => {
    expect(await run(env, 2)).toBe(2);
    good = readFileSync(file(), 'utf8');
    edit((e) => Object.assign(e, { size: 1000, checkpoint: 'forged checkpoint text' }));
    removeDatabase(env);
    const archived = command(env, ['log', 'archive-marker', '--reason', 'forged']);
    expect(archived.status).not.toBe(0);
    expect(archived.stderr).toContain(`the log marker ${file()} is not readable or not valid (logs[0]: its checkpoint does not verify with the log key`);
    expect(archived.stderr).toContain('put the last good copy back');
    expect(marker(env).archived).toEqual([]);
    expect(await refusal(env)).toContain(`the log marker ${file()} is not readable or not valid`);
  }, 60_000);

  it('a size that is not a number is refused naming the file', async () => {
    edit((e) => Object.assign(e, { size: '80' }));
    expect(await refusal(env)).toContain(`the log marker ${file()} is not readable or not valid (logs[0]: size must be an integer in [0, 2^53 − 1], got "80")`);
  });

  it('a refusal on a log of one entry says so without a wrong plural', async () => {
    writeFileSync(file(), good);
    const one = instance('edited-one', 'keys-e', { EXPERT_DRAW_STORE: 'sqlite' });
    expect(await run(one, 1)).toBe(1);
    removeDatabase(one);
    const message = await refusal(one);
    expect(message).toContain('the store’s log is of size 0, smaller than the size 1 this instance');
    expect(message).not.toMatch(/\b1 (log )?entries/);
  });
});

// /livez and /readyz: readiness turns to 503 when the store goes away, refuses writes or runs out of room, or the log
// fails its self-check, and back by itself when the store returns; liveness answers throughout. On a real private
// Redis (stopped and started, then refusing writes) and on SQLite (a connection made read-only, a volume "too full").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal } from '../../src/pool/generator.js';
import { SQLITE_FILE } from '../../src/store/open-store.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { hasRedisServer, startRedis } from '../helpers/redis-server.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const readyz = async (t: Built) => {
  const res = await t.app.inject({ method: 'GET', url: '/readyz' });
  return { status: res.statusCode, body: res.json() as { status: string; checks: Record<string, { ok: boolean; reason?: string }> } };
};

/** Asks /readyz until it answers `status` (it probes at most once a second); fails after `deadlineMs`. */
async function readyzBecomes(t: Built, status: number, deadlineMs = 20_000): Promise<Awaited<ReturnType<typeof readyz>>> {
  for (const start = Date.now(); ; ) {
    const r = await readyz(t);
    if (r.status === status) return r;
    if (Date.now() - start > deadlineMs) throw new Error(`/readyz still answers ${r.status}: ${JSON.stringify(r.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const livez = async (t: Built) => (await t.app.inject({ method: 'GET', url: '/livez' })).statusCode;

describe('readiness on SQLite', () => {
  it('is ready with every check passed, and says so in /health too', async () => {
    const t = await build();
    try {
      expect(await livez(t)).toBe(200);
      const r = await readyz(t);
      expect(r).toMatchObject({ status: 200, body: { status: 'ready', checks: { store: { ok: true }, log: { ok: true }, keys: { ok: true }, disk: { ok: true } } } });
      expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ status: 'ok' });
    } finally {
      await t.close();
    }
  });

  it('turns 503 while the database refuses writes, and back when it takes them again', async () => {
    const t = await build();
    try {
      await readyzBecomes(t, 200);
      const db = (t.ctx.store as SqliteStore).database;
      db.pragma('query_only = ON');
      const down = await readyzBecomes(t, 503);
      expect(down.body.status).toBe('not-ready');
      expect(down.body.checks.store).toEqual({ ok: false, reason: 'the sqlite store does not answer or does not take writes' });
      expect(await livez(t)).toBe(200);
      const health = await t.app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ status: 'unavailable' });
      db.pragma('query_only = OFF');
      expect((await readyzBecomes(t, 200)).body.checks.store).toEqual({ ok: true });
    } finally {
      await t.close();
    }
  });

  it('turns 503 when the data volume has less room than required, naming the setting', async () => {
    const t = await build({ EXPERT_DRAW_MIN_FREE_DISK_MB: '1000000000' });
    try {
      const r = await readyz(t);
      expect(r.status).toBe(503);
      expect(r.body.checks.disk).toMatchObject({ ok: false, reason: expect.stringMatching(/MB free, less than the 1000000000 MB required \(EXPERT_DRAW_MIN_FREE_DISK_MB\)/) });
      expect(r.body.checks.store).toEqual({ ok: true });
    } finally {
      await t.close();
    }
  });

  it('turns 503 when the log failed its self-check at start-up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-readyz-'));
    dirs.push(dir);
    const env = { EXPERT_DRAW_DATA_DIR: join(dir, 'data'), EXPERT_DRAW_KEYS_DIR: join(dir, 'keys') };
    const first = await build(env);
    const pool = generatePool({ size: 3, seed: 'readyz' });
    await first.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
    await first.close();
    // The stored leaf hash of entry 0 no longer matches its bytes (the entry itself stays well-formed).
    const db = new Database(join(dir, 'data', SQLITE_FILE));
    db.prepare('UPDATE log_entries SET leaf = zeroblob(32) WHERE idx = 0').run();
    db.close();
    const t = await build(env);
    try {
      const r = await readyz(t);
      expect(r.status).toBe(503);
      expect(r.body.checks.log).toEqual({ ok: false, reason: 'the audit log fails its self-check at index 0: entry does not match its stored leaf hash' });
      expect(await livez(t)).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe.runIf(hasRedisServer())('readiness on a private Redis', () => {
  it('turns 503 when Redis stops and when it refuses writes, 200 when it is back; /livez answers throughout', async () => {
    let redis = await startRedis();
    const t = await build({ EXPERT_DRAW_STORE: 'redis', REDIS_URL: redis.url, EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE: 'false' });
    try {
      expect((await readyzBecomes(t, 200)).body.checks).toEqual({ store: { ok: true }, log: { ok: true }, keys: { ok: true } });

      await redis.kill();
      expect((await readyzBecomes(t, 503)).body.checks.store).toEqual({ ok: false, reason: 'the redis store does not answer or does not take writes' });
      // The other routes shed load once the store's health check fails; the health routes never do.
      for (const start = Date.now(); !t.app.isUnderPressure(); ) {
        if (Date.now() - start > 30_000) throw new Error('the store health check never failed');
        await new Promise((r) => setTimeout(r, 200));
      }
      expect((await t.app.inject({ method: 'GET', url: '/v1/session', headers: t.auth('admin') })).statusCode).toBe(503);
      expect(await livez(t)).toBe(200);
      expect((await readyz(t)).status).toBe(503);

      redis = await redis.restart();
      await readyzBecomes(t, 200);

      // A Redis that answers but refuses writes (as with an AOF it cannot write, or a replica after a failover).
      const admin = new Redis(redis.url);
      try {
        await admin.config('SET', 'min-replicas-to-write', '1');
        await readyzBecomes(t, 503);
        await admin.config('SET', 'min-replicas-to-write', '0');
        await readyzBecomes(t, 200);
        // A Redis that takes writes but no longer makes them durable (a CONFIG SET, a restart without the flags).
        await admin.config('SET', 'appendfsync', 'everysec');
        expect((await readyzBecomes(t, 503)).body.checks.store).toEqual({ ok: false, reason: expect.stringContaining('the redis store is not durable any more') });
        // Meanwhile nothing is acknowledged that a crash could lose: a change is refused, not written.
        const size = await t.ctx.store.logSize();
        const refused = await t.app.inject({ method: 'PUT', url: `/v1/organisations/${syntheticUscc(9951)}`, headers: t.auth('pool-manager'), payload: { name: '某某公司' } });
        expect(refused.statusCode, refused.body).toBe(503);
        expect(await t.ctx.store.logSize()).toBe(size);
        await admin.config('SET', 'appendfsync', 'always');
        await readyzBecomes(t, 200);
        // The load shedding follows at its next periodic check of the store (every 5 s).
        for (const start = Date.now(); t.app.isUnderPressure(); ) {
          if (Date.now() - start > 30_000) throw new Error('the store health check never passed again');
          await new Promise((r) => setTimeout(r, 200));
        }
        const taken = await t.app.inject({ method: 'PUT', url: `/v1/organisations/${syntheticUscc(9951)}`, headers: t.auth('pool-manager'), payload: { name: '某某公司' } });
        expect(taken.statusCode, taken.body).toBe(200);
      } finally {
        admin.disconnect();
      }
    } finally {
      await t.close();
      await redis.stop();
    }
  }, 120_000);
});

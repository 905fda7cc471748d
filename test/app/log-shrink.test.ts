// A log only grows. When the store answers with fewer entries than this instance wrote or signed — a Redis replaced by
// an empty one, a FLUSHALL, a failover to a replica behind — the instance must not start a second log from entry 0
// beside the history its checkpoints signed (an outside audit saw it do so, stop 43): readiness fails naming it, and
// every write is refused, nothing stored, until the store is restored.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { importPool, SPECIALTY } from '../helpers/calls.js';

let t: Built;
const project = (id: string) => ({ id, tenderer: syntheticUscc(9901), bidOpeningAt: '2030-12-01T10:00:00+08:00', region: '330106', groups: [{ specialty: SPECIALTY, count: 5 }] });
const register = (id: string) => t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: project(id) });

beforeAll(async () => {
  t = await build({ EXPERT_DRAW_STORE: 'redis' });
  await importPool(t, 'log-shrink', 12);
  for (const id of ['P-SHRINK-1', 'P-SHRINK-2', 'P-SHRINK-3']) expect((await register(id)).statusCode).toBe(201);
  await t.ctx.auditLog.checkpoint();
});
afterAll(async () => {
  await t?.close();
});

describe('a store whose log shrank under a running instance', () => {
  it('is not ready, and refuses writes instead of starting a new log', async () => {
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const written = await t.ctx.store.logSize();
    expect(written).toBeGreaterThanOrEqual(3);
    // The store's data is gone: every key of this instance's prefix deleted, as an empty Redis would answer.
    const redis = new Redis(t.config.REDIS_URL);
    try {
      const keys = await redis.keys(`${t.config.EXPERT_DRAW_REDIS_PREFIX}*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    const refused = await register('P-SHRINK-4');
    expect(refused.statusCode, refused.body).toBe(503);
    expect(refused.json().error.code).toBe('LOG_MISMATCH');
    expect(await t.ctx.store.logSize()).toBe(0);
    // Readiness names it (probed afresh after its recheck interval).
    await new Promise((r) => setTimeout(r, 1100));
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.body).toContain(`the store holds 0 entries, fewer than the ${written} this log had written or signed`);
    expect(t.ctx.auditLog.integrity?.index).toBe(0);
  });
});

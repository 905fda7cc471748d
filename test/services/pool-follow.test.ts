// Two service instances on one Redis: a pool change made through one reaches the other's in-memory index through the
// change feed, and their versions agree; racing changes conflict instead of forking the pool version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';

let a: Built;
let b: Built;
const experts = generatePool({ size: 10, seed: 'follow' }).experts;

beforeAll(async () => {
  a = await build({ EXPERT_DRAW_STORE: 'redis' });
  b = await build({ EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_KEYS_DIR: a.config.EXPERT_DRAW_KEYS_DIR, EXPERT_DRAW_REDIS_PREFIX: a.config.EXPERT_DRAW_REDIS_PREFIX });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  for (const start = Date.now(); !check(); ) {
    if (Date.now() - start > ms) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('pool index across instances', () => {
  it('sees an expert added through the other instance, at the same pool version', async () => {
    const res = await a.app.inject({ method: 'POST', url: '/v1/experts', headers: a.auth('pool-manager'), payload: { ...experts[0]!, personal: syntheticPersonal(0) } });
    expect(res.statusCode).toBe(201);
    await eventually(() => b.ctx.pool.current().get(experts[0]!.id) !== undefined);
    expect(b.ctx.pool.poolVersion).toBe(a.ctx.pool.poolVersion);
    expect(b.ctx.pool.current().version).toBe(a.ctx.pool.poolVersion);
    const suspend = await b.app.inject({ method: 'POST', url: `/v1/experts/${experts[0]!.id}/status`, headers: b.auth('pool-manager'), payload: { status: 'suspended', reason: '核查中', until: null } });
    expect(suspend.statusCode).toBe(200);
    await eventually(() => a.ctx.pool.get(experts[0]!.id).status === 'suspended');
  });

  it('serialises racing changes from two instances on the pool version: both land, as N+1 and N+2', async () => {
    await eventually(() => a.ctx.pool.poolVersion === b.ctx.pool.poolVersion);
    const [x, y] = await Promise.all([
      a.app.inject({ method: 'POST', url: '/v1/experts', headers: a.auth('pool-manager'), payload: { ...experts[1]!, personal: syntheticPersonal(1) } }),
      b.app.inject({ method: 'POST', url: '/v1/experts', headers: b.auth('pool-manager'), payload: { ...experts[2]!, personal: syntheticPersonal(2) } }),
    ]);
    // The loser of the race re-reads and retries: both changes land, with distinct versions, none lost.
    expect([x.statusCode, y.statusCode]).toEqual([201, 201]);
    const version = Number((await a.ctx.store.getRecord('meta', 'pool-version'))!.toString());
    expect(version).toBe(4);
    const entries = await Promise.all([0, 1, 2, 3].map(async (i) => JSON.parse((await a.ctx.auditLog.entry(i)).toString()).payload.poolVersion));
    expect(entries).toEqual([1, 2, 3, 4]);
    await eventually(() => a.ctx.pool.size() === 3 && b.ctx.pool.size() === 3);
  });
});

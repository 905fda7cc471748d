// A revised pool file (mode=upsert) adds, changes and retires experts under one pool version; the pool replayed from
// the log must still reach that version with the same experts, or no draw after such a file could be rebuilt.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generatePool, syntheticPersonal } from '../../src/pool/generator.js';
import { replayPool } from '../../src/verify/pool-replay.js';
import { build, type Built } from '../helper.js';

let t: Built;
const by = { sub: 'pm', role: 'pool-manager' as const, iat: 0, exp: 0 };
const pool = generatePool({ size: 6, seed: 'upsert-replay' });

beforeAll(async () => {
  t = await build();
  await t.ctx.pool.import(pool.experts.slice(0, 5).map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', by);
});
afterAll(async () => {
  await t?.close();
});

it('replays a revised file that adds, changes and retires experts in one pool version', async () => {
  const version = t.ctx.pool.poolVersion;
  const rows = [...pool.experts.slice(0, 3).map((expert, i) => ({ line: i + 1, expert: { ...expert, region: '330102' }, personal: syntheticPersonal(i) })), { line: 4, expert: pool.experts[5]!, personal: syntheticPersonal(5) }];
  const report = await t.ctx.pool.upsert(rows, [], { dryRun: false, retireMissing: true, retireCount: 2, poolVersion: version }, by);
  expect(report).toMatchObject({ poolVersion: version + 1, added: [pool.experts[5]!.id], missing: [pool.experts[3]!.id, pool.experts[4]!.id].sort(), retired: true });
  expect(report.changed.length).toBeGreaterThan(1);
  const replayed = await replayPool(t.ctx.store, t.ctx.auditLog.size, t.ctx.pool.poolVersion);
  expect(replayed).toEqual([...t.ctx.pool.records()].map((r) => r.expert).sort((a, b) => (a.id < b.id ? -1 : 1)));
  // A later single change follows at the next version.
  await t.ctx.pool.setStatus(pool.experts[0]!.id, { status: 'suspended', reason: '核查中', until: '2027-01-31' }, by);
  expect((await replayPool(t.ctx.store, t.ctx.auditLog.size, t.ctx.pool.poolVersion)).find((e) => e.id === pool.experts[0]!.id)?.status).toBe('suspended');
});

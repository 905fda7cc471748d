// One import is one admission: every row it stores is admitted on the same day at the same instant, whatever the
// clock reads while the rows are made (an import running across midnight must not give half its experts another
// confirmation date). The clock below moves a millisecond at every reading and starts just before midnight in the
// service's zone (Asia/Shanghai).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import { generatePool, syntheticPersonal } from '../../src/pool/generator.js';
import type { ExpertRecord } from '../../src/records/pool.js';
import { build, type Built } from '../helper.js';

const by: TokenClaims = { sub: 'pm-1', role: 'pool-manager', iat: 0, exp: 0 };
const pool = generatePool({ size: 60, seed: 'admission', fixed: [] });
let readings = 0;
let clock = Date.parse('2026-12-01T23:59:59.990+08:00');
let t: Built;

beforeAll(async () => {
  t = await build({}, { now: () => clock + readings++ });
});
afterAll(async () => {
  await t?.close();
});

const stored = async (id: string) => JSON.parse((await t.ctx.store.getRecord('experts', id))!.toString()) as ExpertRecord;

describe('an import admits its rows at one instant', () => {
  it('a plain import: one admission time, one confirmation date, the record written then', async () => {
    const rows = pool.experts.slice(0, 30).map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) }));
    const before = readings;
    const report = await t.ctx.pool.import(rows, [], 'all', by);
    expect(report.imported).toBe(30);
    // The clock was read across midnight during the import, or the test proves nothing.
    expect(readings - before).toBeGreaterThan(10);
    const records = await Promise.all(rows.map((r) => stored(r.expert.id)));
    expect(new Set(records.map((r) => r.lifecycle!.admittedAt)).size).toBe(1);
    expect(new Set(records.map((r) => r.lifecycle!.confirmationDue)).size).toBe(1);
    expect(records.every((r) => r.updatedAt === r.lifecycle!.admittedAt)).toBe(true);
  });

  it('a revised register (upsert): its new experts too', async () => {
    clock = Date.parse('2026-12-02T23:59:59.990+08:00');
    readings = 0;
    const rows = pool.experts.slice(0, 60).map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) }));
    await t.ctx.pool.upsert(rows, [], { dryRun: false, retireMissing: false }, by);
    const added = await Promise.all(rows.slice(30).map((r) => stored(r.expert.id)));
    expect(new Set(added.map((r) => r.lifecycle!.admittedAt)).size).toBe(1);
    expect(new Set(added.map((r) => r.lifecycle!.confirmationDue)).size).toBe(1);
  });
});

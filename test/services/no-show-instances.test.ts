// No-shows under a centre's own policy, with two service instances on one Redis: experts must be in 15 minutes before
// opening (a later check-in is late), an accepted call not checked in 30 minutes after opening is a no-show, and when
// both instances run their call worker at that moment each no-show is recorded exactly once; check-in closes then.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileMessages } from '../../src/calls/file-adapter.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, waitForPool, type Built } from '../helper.js';

let a: Built;
let b: Built;
let clock = Date.parse('2026-12-01T08:00:00+08:00');
let drawId = '';
const dir = mkdtempSync(join(tmpdir(), 'no-show-policy-'));
const policyFile = join(dir, 'policy.json');
const pool = generatePool({ size: 40, seed: 'no-show-instances', fixed: [{ code: 'C990101', members: 30 }] });
const idNumberOf = (expertId: string) => syntheticPersonal(pool.experts.findIndex((e) => e.id === expertId)).idNumber;

beforeAll(async () => {
  writeFileSync(policyFile, JSON.stringify({ records: { lateAfterOpeningMinutes: -15, noShowAfterMinutes: 30 } }));
  const env = { EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_POLICY_FILE: policyFile };
  a = await build(env, { now: () => clock });
  b = await build({ ...env, EXPERT_DRAW_KEYS_DIR: a.config.EXPERT_DRAW_KEYS_DIR, EXPERT_DRAW_REDIS_PREFIX: a.config.EXPERT_DRAW_REDIS_PREFIX }, { now: () => clock });
  await a.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  const res = await a.app.inject({
    method: 'POST',
    url: '/v1/projects',
    headers: a.auth('operator'),
    payload: { id: 'P-NOSHOW', tenderer: syntheticUscc(9501), agency: null, bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106', groups: [{ specialty: 'C990101', count: 5 }] },
  });
  expect(res.statusCode, res.body).toBe(201);
  drawId = (await a.ctx.draws.run('P-NOSHOW', 'immediate', { sub: 'op', role: 'operator', iat: 0, exp: 0 })).drawId;
  await waitForPool(b, 40);
  // Every selected expert accepts their call.
  await a.ctx.calls.tick();
  for (const m of await readFileMessages(join(a.config.EXPERT_DRAW_DATA_DIR, 'calls.jsonl'))) await a.ctx.roster.respond(m.responseUrl!.split('/').pop()!, true);
}, 60_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
  rmSync(dir, { recursive: true, force: true });
});

const recordsOfType = async (type: string) => {
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < (await a.ctx.store.logSize()); i++) {
    const e = JSON.parse((await a.ctx.auditLog.entry(i)).toString());
    if (e.type === type) out.push(e.payload);
  }
  return out;
};

describe('no-shows under the policy, on two instances', () => {
  it('calls a check-in after opening minus 15 minutes late, and records the three who never came once, whichever instance runs first', async () => {
    const { roster } = await a.ctx.roster.read(drawId);
    const seated = roster.groups[0]!.ranking.slice(0, 5);
    const checkIn = (t: Built, expertId: string) => t.app.inject({ method: 'POST', url: '/v1/checkins', headers: t.auth('checkin'), payload: { projectId: 'P-NOSHOW', idNumber: idNumberOf(expertId) } });
    clock = Date.parse('2026-12-01T09:40:00+08:00');
    expect((await checkIn(a, seated[0]!)).statusCode).toBe(200);
    clock = Date.parse('2026-12-01T09:50:00+08:00');
    expect((await checkIn(b, seated[1]!)).statusCode).toBe(200);
    expect((await recordsOfType('record.checkin')).map((r) => [r.seat, r.outcome, r.minutesAfterOpening])).toEqual([
      [0, 'on-time', -20],
      [1, 'late', -10],
    ]);

    // Not yet at 10:29; at 10:30 both instances' passes run together.
    clock = Date.parse('2026-12-01T10:29:00+08:00');
    expect((await Promise.all([a.ctx.calls.tick(), b.ctx.calls.tick()])).map((x) => x.noShows)).toEqual([0, 0]);
    clock = Date.parse('2026-12-01T10:30:00+08:00');
    const ticks = await Promise.all([a.ctx.calls.tick(), b.ctx.calls.tick()]);
    expect(ticks[0]!.noShows + ticks[1]!.noShows).toBe(3);
    const noShows = await recordsOfType('record.no-show');
    expect(noShows.map((r) => r.seat).sort()).toEqual([2, 3, 4]);
    expect(noShows[0]).toMatchObject({ drawId, projectId: 'P-NOSHOW', dueAt: '2026-12-01T02:30:00.000Z' });
    // Settled: later passes record nothing more, and the watch is gone.
    expect((await Promise.all([a.ctx.calls.tick(), b.ctx.calls.tick()])).map((x) => x.noShows)).toEqual([0, 0]);
    expect(await a.ctx.store.getRecord('no-show-watch', drawId)).toBeNull();

    // Check-in closed with the no-shows: an expert recorded as not coming cannot also be checked in, on either instance.
    clock = Date.parse('2026-12-01T10:30:27+08:00');
    const size = await a.ctx.store.logSize();
    for (const t of [a, b]) {
      const late = await checkIn(t, seated[2]!);
      expect(late.statusCode, late.body).toBe(409);
      expect(late.json().error).toMatchObject({ code: 'CONFLICT', message: '本项目的签到已于 2026-12-01 10:30 截止：之后未到场的专家已记为未到场', details: { closedAt: '2026-12-01T02:30:00.000Z' } });
    }
    expect(await a.ctx.store.logSize()).toBe(size);
    expect((await recordsOfType('record.checkin')).map((r) => r.seat)).toEqual([0, 1]);
  });
});

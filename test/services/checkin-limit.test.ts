// The check-in terminals' limit on wrong ID numbers, counted in the store: two service instances on one Redis share it,
// each miss is a log entry, the eleventh try is refused and logged as blocked, other terminals are not affected, and the
// terminal is free again after ten minutes. A second scan of an expert checked in is no miss.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { acceptSeat } from '../helpers/calls.js';
import { build, waitForPool, type Built } from '../helper.js';

let a: Built;
let b: Built;
let clock = Date.parse('2026-12-01T08:00:00+08:00');
const pool = generatePool({ size: 60, seed: 'checkin-limit', fixed: [{ code: 'C990101', members: 30 }] });
const stranger = syntheticPersonal(59).idNumber;
let seated = '';

beforeAll(async () => {
  a = await build({ EXPERT_DRAW_STORE: 'redis' }, { now: () => clock });
  b = await build({ EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_KEYS_DIR: a.config.EXPERT_DRAW_KEYS_DIR, EXPERT_DRAW_REDIS_PREFIX: a.config.EXPERT_DRAW_REDIS_PREFIX }, { now: () => clock });
  // Expert 59 stays out of the pool: their ID number belongs to nobody called.
  await a.ctx.pool.import(pool.experts.slice(0, 59).map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  const res = await a.app.inject({
    method: 'POST',
    url: '/v1/projects',
    headers: a.auth('operator'),
    payload: { id: 'P-LIMIT', tenderer: syntheticUscc(9401), agency: null, bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106', groups: [{ specialty: 'C990101', count: 5 }] },
  });
  expect(res.statusCode, res.body).toBe(201);
  const drawId = (await a.ctx.draws.run('P-LIMIT', 'immediate', { sub: 'op', role: 'operator', iat: 0, exp: 0 })).drawId;
  const first = (await a.ctx.roster.read(drawId)).roster.groups[0]!.ranking[0]!;
  seated = syntheticPersonal(pool.experts.findIndex((e) => e.id === first)).idNumber;
  await acceptSeat(a, drawId, first);
  await waitForPool(b, 59);
}, 60_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const checkIn = (t: Built, idNumber: string, subject = 'desk-1') => t.app.inject({ method: 'POST', url: '/v1/checkins', headers: t.auth('checkin', { subject }), payload: { projectId: 'P-LIMIT', idNumber } });

describe('check-in limit on wrong ID numbers', () => {
  it('counts misses from one terminal on both instances, refuses the eleventh, and frees the terminal after ten minutes', async () => {
    const size = await a.ctx.store.logSize();
    expect((await checkIn(a, seated)).statusCode).toBe(200);
    // A second scan of someone checked in is said (409) and logged, but no miss: it tells the desk nothing new, and a
    // busy desk scans twice (an outside audit's desk locked itself on an ordinary morning).
    expect((await checkIn(b, seated)).statusCode).toBe(409);
    // Ten wrong numbers, on both instances: the limit.
    for (let i = 0; i < 10; i++) {
      const res = await checkIn(i % 2 === 0 ? a : b, stranger);
      expect(res.statusCode, res.body).toBe(404);
    }
    // The next try is refused before the number is even looked up, on either instance, even with the right number.
    for (const t of [a, b]) {
      const refused = await checkIn(t, seated);
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('RATE_LIMITED');
    }
    // Another terminal is not affected.
    expect((await checkIn(b, stranger, 'desk-2')).statusCode).toBe(404);
    const types = [];
    for (let i = size; i < (await a.ctx.store.logSize()); i++) types.push(JSON.parse((await a.ctx.auditLog.entry(i)).toString()).type);
    // The block is logged once, whichever instance refused first: further refusals add nothing to the log.
    expect(types).toEqual(['checkin.admitted', 'record.checkin', 'checkin.repeated', ...Array(10).fill('checkin.unmatched'), 'checkin.blocked', 'checkin.unmatched']);
    for (let i = 0; i < 5; i++) expect((await checkIn(i % 2 === 0 ? a : b, stranger)).statusCode).toBe(429);
    const sizeBlocked = await a.ctx.store.logSize();
    expect((await checkIn(a, stranger)).statusCode).toBe(429);
    expect(await a.ctx.store.logSize()).toBe(sizeBlocked);
    // No ID number is kept for the count: the counter is keyed by a hash of the terminal and holds times only.
    const counters = await a.ctx.store.listRecords('checkin-misses');
    expect(counters).toHaveLength(2);
    for (const c of counters) for (const id of [seated, stranger, 'desk-1']) expect(`${c.key}${c.value.toString()}`).not.toContain(id);

    clock += 10 * 60_000 + 1;
    const again = await checkIn(b, seated);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe('该专家已签到');
    // A new block, after the last one's misses left the window, is logged again (once).
    for (let i = 0; i < 10; i++) expect((await checkIn(a, stranger)).statusCode).toBe(404);
    const before = await a.ctx.store.logSize();
    for (let i = 0; i < 3; i++) expect((await checkIn(i % 2 === 0 ? a : b, stranger)).statusCode).toBe(429);
    const blocked = [];
    for (let i = before; i < (await a.ctx.store.logSize()); i++) blocked.push(JSON.parse((await a.ctx.auditLog.entry(i)).toString()).type);
    expect(blocked).toEqual(['checkin.blocked']);
  });
});

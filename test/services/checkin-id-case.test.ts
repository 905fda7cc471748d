// A resident ID number whose check character is X may reach a check-in desk's API as x (a card reader, a gateway, a
// clerk typing): it is the same number, and the expert is admitted as with X.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { acceptSeat } from '../helpers/calls.js';

let t: Built;
const pool = generatePool({ size: 12, seed: 'checkin-id-case', fixed: [{ code: 'C990101', members: 12 }] });
/** Synthetic people whose ID numbers end in X: every expert of this pool has one. */
const withX = Array.from({ length: 400 }, (_, i) => syntheticPersonal(i)).filter((p) => p.idNumber.endsWith('X'));
let drawId = '';

beforeAll(async () => {
  expect(withX.length).toBeGreaterThanOrEqual(pool.experts.length);
  t = await build({}, { now: () => Date.parse('2026-12-01T09:30:00+08:00') });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: withX[i]! })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/projects',
    headers: t.auth('operator'),
    payload: { id: 'P-IDCASE', tenderer: syntheticUscc(9701), bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106', groups: [{ specialty: 'C990101', count: 5 }] },
  });
  expect(res.statusCode, res.body).toBe(201);
  drawId = (await t.ctx.draws.run('P-IDCASE', 'immediate', { sub: 'op', role: 'operator', iat: 0, exp: 0 })).drawId;
});
afterAll(async () => {
  await t?.close();
});

describe('check-in with a lower-case x', () => {
  it('admits the expert whose ID number ends in X, and refuses a lower-case number that is not valid all the same', async () => {
    const seatedId = (await t.ctx.roster.read(drawId)).roster.groups[0]!.ranking[0]!;
    const idNumber = withX[pool.experts.findIndex((e) => e.id === seatedId)]!.idNumber;
    await acceptSeat(t, drawId, seatedId);
    const res = await t.app.inject({ method: 'POST', url: '/v1/checkins', headers: t.auth('checkin'), payload: { projectId: 'P-IDCASE', idNumber: idNumber.toLowerCase() } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ expertId: seatedId, seat: 0 });
    // Another check digit in lower case is still not a valid number.
    const wrong = `${idNumber.slice(0, 17)}${idNumber.endsWith('X') ? '0' : 'x'}`.toLowerCase();
    const bad = await t.app.inject({ method: 'POST', url: '/v1/checkins', headers: t.auth('checkin'), payload: { projectId: 'P-IDCASE', idNumber: wrong } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_INPUT');
  });

  it('ignores the spaces and line break a card reader puts around the number', async () => {
    const seatedId = (await t.ctx.roster.read(drawId)).roster.groups[0]!.ranking[1]!;
    const idNumber = withX[pool.experts.findIndex((e) => e.id === seatedId)]!.idNumber;
    await acceptSeat(t, drawId, seatedId);
    const res = await t.app.inject({ method: 'POST', url: '/v1/checkins', headers: t.auth('checkin'), payload: { projectId: 'P-IDCASE', idNumber: `  ${idNumber}\r\n` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ expertId: seatedId, seat: 1 });
  });
});

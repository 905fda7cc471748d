// Answers to one draw's calls at the same moment: each rewrites the draw's one roster record, and every one is taken
// (in turn on an instance), none refused as "changed meanwhile" — which a gateway would read as already answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { importPool, sentMessages, SPECIALTY, tokenOf } from '../helpers/calls.js';

let t: Built;

beforeAll(async () => {
  t = await build({}, { now: () => Date.parse('2026-12-01T08:00:00+08:00') });
  await importPool(t, 'answer-race', 300);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('answers at the same moment', () => {
  it('takes every one of 15 acceptances and a check-in racing them, none refused as changed meanwhile', async () => {
    const op = t.auth('operator');
    const registered = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: op, payload: { id: 'P-RACE', tenderer: syntheticUscc(9901), bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106', groups: [{ specialty: SPECIALTY, count: 15 }] } });
    expect(registered.statusCode, registered.body).toBe(201);
    const drawn = await t.app.inject({ method: 'POST', url: '/v1/projects/P-RACE/draw', headers: op });
    expect(drawn.statusCode, drawn.body).toBe(201);
    const drawId = drawn.json().drawId as string;
    const { roster } = await t.ctx.roster.read(drawId);
    const messages = await sentMessages(t);
    const tokens = roster.calls.map((c) => tokenOf(messages.find((m) => m.messageId === c.messageId)!.responseUrl!));
    expect(tokens).toHaveLength(15);
    // The first expert accepts ahead; their check-in races the other 14 acceptances.
    await t.ctx.roster.respond(tokens[0]!, true);
    const desk = { sub: 'desk-race', role: 'checkin' as const, iat: 0, exp: 0 };
    const idNumber = t.ctx.pool.personal(roster.calls[0]!.expertId).idNumber;
    const [checkedIn, ...answers] = await Promise.all([
      t.ctx.roster.checkIn('P-RACE', idNumber, desk).then((a) => a.expertId, (err: { code: string }) => err.code),
      ...tokens.slice(1).map((token) => t.app.inject({ method: 'POST', url: `/v1/responses/${token}`, payload: { answer: 'accept' } })),
    ]);
    expect(checkedIn).toBe(roster.calls[0]!.expertId);
    expect(answers.map((a) => a.statusCode)).toEqual(Array<number>(14).fill(200));
    const after = (await t.ctx.roster.read(drawId)).roster;
    expect(after.calls.filter((c) => c.state === 'accepted')).toHaveLength(14);
    expect(after.calls.filter((c) => c.state === 'checked-in')).toHaveLength(1);
  });

  it('meets the desk’s limit of misses exactly when one desk guesses in parallel', async () => {
    const desk = { sub: 'desk-guess', role: 'checkin' as const, iat: 0, exp: 0 };
    const guesses = Array.from({ length: 17 }, (_, i) => syntheticPersonal(5000 + i).idNumber);
    const codes = await Promise.all(guesses.map((id) => t.ctx.roster.checkIn('P-RACE', id, desk).then(() => 'admitted', (err: { code: string }) => err.code)));
    expect(codes.filter((c) => c === 'NOT_FOUND')).toHaveLength(10);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(7);
  });
});

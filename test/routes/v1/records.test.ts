// Performance records over HTTP, on both stores: a draw's calls answered, declined and left to time out, check-ins on
// time and late, a no-show at the end of the opening's day, conduct entered and corrected by a person after opening;
// the draw's records by seat for the operator, and an expert's record for the pool manager only once the draw is
// disclosed. No record entry and no answer names an expert of a draw that is not disclosed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRIES } from '../../../src/audit/entries.js';
import type { Roster } from '../../../src/roster/roster.js';
import { build, type Built } from '../../helper.js';
import { drawnCalls, importPool, tokenOf } from '../../helpers/calls.js';
import { person, type Person } from '../../helpers/people.js';

const at = (local: string) => Date.parse(`2026-12-01T${local}:00+08:00`);

describe.each(['sqlite', 'redis'] as const)('performance records (%s store)', (store) => {
  let t: Built;
  let clock = at('08:00');
  let drawId = '';
  let links: string[] = [];
  let roster: Roster;
  let supervisor: Person;
  let operator: Person;
  let firstRecord = '';
  const answer = (seat: number, accept: boolean) => t.app.inject({ method: 'POST', url: `/v1/responses/${tokenOf(links[seat]!)}`, payload: { answer: accept ? 'accept' : 'decline' } });
  const expertAt = (seat: number) => roster.calls.find((c) => c.seat === seat && c.rank === seat)!.expertId;
  const checkIn = (seat: number) =>
    t.app.inject({ method: 'POST', url: '/v1/checkins', headers: t.auth('checkin'), payload: { projectId: 'P-REC', idNumber: t.ctx.pool.personal(expertAt(seat)).idNumber } });
  const enter = (payload: object, who: Person = supervisor) => t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/records`, headers: who.auth, payload });
  const entries = async (from = 0) => {
    const out: Array<{ type: string; payload: Record<string, unknown> }> = [];
    for (let i = from; i < (await t.ctx.store.logSize()); i++) out.push(JSON.parse((await t.ctx.auditLog.entry(i)).toString()));
    return out;
  };
  const expertRecord = async (seat: number) => {
    const res = await t.app.inject({ method: 'GET', url: `/v1/experts/${expertAt(seat)}/record`, headers: t.auth('pool-manager'), });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    t = await build({ EXPERT_DRAW_STORE: store }, { now: () => clock });
    await importPool(t, `records-${store}`);
    ({ drawId, links } = await drawnCalls(t, 'P-REC', { bidOpeningAt: '2026-12-01T10:00:00+08:00', venue: '3号评标室' }));
    roster = (await t.ctx.roster.read(drawId)).roster;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('records every answer with its timing and every timeout, in the commit of the answer, by seat and a per-draw hash', async () => {
    const size = await t.ctx.store.logSize();
    clock = at('08:02');
    expect((await answer(0, true)).statusCode).toBe(200);
    clock = at('08:03');
    expect((await answer(1, false)).statusCode).toBe(200);
    expect((await answer(2, true)).statusCode).toBe(200);
    expect((await answer(3, true)).statusCode).toBe(200);
    clock = at('08:16');
    await t.ctx.calls.tick();
    const records = (await entries(size)).filter((e) => e.type.startsWith('record.'));
    expect(records.map((e) => [e.type, e.payload.seat, e.payload.outcome, e.payload.seconds, e.payload.replaced])).toEqual([
      ['record.call', 0, 'accepted', 120, null],
      ['record.call', 1, 'declined', 180, 'promoted'],
      ['record.call', 2, 'accepted', 180, null],
      ['record.call', 3, 'accepted', 180, null],
      // Seat 4 never answered; the alternate called at 08:03 for seat 1 had until 08:18.
      ['record.call', 4, 'timeout', 960, 'promoted'],
    ]);
    // The expert only as a keyed hash of draw and expert: one per expert, none equal to anything readable.
    const subjects = records.map((e) => e.payload.subject as string);
    expect(new Set(subjects).size).toBe(5);
    for (const e of records) for (const c of roster.calls) expect(JSON.stringify(e)).not.toContain(c.expertId);
  });

  it('records check-ins on time and late, and a no-show once the opening’s day is over', async () => {
    roster = (await t.ctx.roster.read(drawId)).roster;
    const size = await t.ctx.store.logSize();
    clock = at('09:50');
    expect((await checkIn(0)).statusCode).toBe(200);
    clock = at('10:20');
    expect((await checkIn(2)).statusCode).toBe(200);
    // Seat 3 accepted and never came: nothing before midnight in Beijing, a no-show after it, once.
    clock = at('23:59');
    expect((await t.ctx.calls.tick()).noShows).toBe(0);
    clock = Date.parse('2026-12-02T00:00:01+08:00');
    expect((await t.ctx.calls.tick()).noShows).toBe(1);
    expect((await t.ctx.calls.tick()).noShows).toBe(0);
    // (The alternates called for seats 1 and 4 time out meanwhile: their call records are not looked at here.)
    const records = (await entries(size)).filter((e) => e.type === 'record.checkin' || e.type === 'record.no-show');
    expect(records.map((e) => [e.type, e.payload.seat, e.payload.outcome ?? null, e.payload.minutesAfterOpening ?? null])).toEqual([
      ['record.checkin', 0, 'on-time', -10],
      ['record.checkin', 2, 'late', 20],
      ['record.no-show', 3, null, null],
    ]);
    expect(records[2]!.payload).toMatchObject({ bidOpeningAt: '2026-12-01T10:00:00+08:00', dueAt: '2026-12-01T16:00:00.000Z' });
    clock = at('12:00');
  });

  it('takes conduct from a person after opening, for a seat that was taken, and appends corrections', async () => {
    // People log in now (the clock jumped over their sessions' lifetime above).
    supervisor = await person(t, 'supervisor');
    operator = await person(t, 'operator');
    const size = await t.ctx.store.logSize();
    // Refused, and nothing logged: an unknown code, a machine token, a seat nobody holds, a seat out of range.
    const bad = await enter({ group: 0, seat: 0, code: 'SLEPT' });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'INVALID_INPUT']);
    expect((await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/records`, headers: t.auth('supervisor'), payload: { group: 0, seat: 0, code: 'LEFT_EARLY' } })).statusCode).toBe(403);
    const vacant = await enter({ group: 0, seat: 4, code: 'LEFT_EARLY' });
    expect([vacant.statusCode, vacant.json().error.code]).toEqual([409, 'CONFLICT']);
    expect((await enter({ group: 0, seat: 7, code: 'LEFT_EARLY' })).statusCode).toBe(404);
    expect((await enter({ group: 0, seat: 0, code: 'LEFT_EARLY', corrects: 'R-00000000-0000-4000-8000-000000000000' })).statusCode).toBe(400);
    expect(await t.ctx.store.logSize()).toBe(size);

    const first = await enter({ group: 0, seat: 0, code: 'LEFT_EARLY', note: '评标未结束即离开，未说明理由' });
    expect(first.statusCode, first.body).toBe(201);
    firstRecord = first.json().recordId;
    const fixed = await enter({ corrects: firstRecord, code: 'REFUSED_TO_SIGN', note: '复核：实为拒绝签字' }, operator);
    expect(fixed.statusCode, fixed.body).toBe(201);
    // The first record was corrected already: a second correction of it is refused.
    const twice = await enter({ corrects: firstRecord, code: null, note: '撤回' });
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'CONFLICT']);
    expect((await enter({ corrects: 'R-00000000-0000-4000-8000-000000000000', code: null, note: '撤回' })).statusCode).toBe(404);
    const seat2 = await enter({ group: 0, seat: 2, code: 'CARELESS_SCORING' });
    expect(seat2.statusCode, seat2.body).toBe(201);

    const logged = (await entries(size)).filter((e) => e.type === 'record.entered');
    expect(logged.map((e) => [e.payload.seat, e.payload.code, e.payload.corrects, e.payload.role, e.payload.by])).toEqual([
      [0, 'LEFT_EARLY', null, 'supervisor', supervisor.userId],
      [0, 'REFUSED_TO_SIGN', firstRecord, 'operator', operator.userId],
      [2, 'CARELESS_SCORING', null, 'supervisor', supervisor.userId],
    ]);
    // The note is sealed in the log; the same expert has the same subject as in the automatic records.
    expect(JSON.stringify(logged)).not.toContain('评标未结束');
    const auto = (await entries()).find((e) => e.type === 'record.checkin' && e.payload.seat === 0)!;
    expect(logged[0]!.payload.subject).toBe(auto.payload.subject);
  });

  it('refuses conduct before bid opening', async () => {
    const saved = clock;
    clock = at('09:00');
    try {
      const early = await enter({ group: 0, seat: 0, code: 'LEFT_EARLY' });
      expect([early.statusCode, early.json().error.code]).toEqual([409, 'CONFLICT']);
    } finally {
      clock = saved;
    }
  });

  it('shows the operator the draw’s records by seat, with the notes and labels in the asked language, naming nobody', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/records`, headers: { ...t.auth('operator'), 'accept-language': 'en' } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.conduct).toContainEqual({ code: 'LEFT_EARLY', label: 'Left before the evaluation ended' });
    const seat = (n: number) => body.seats.find((s: { seat: number }) => s.seat === n).records as Array<Record<string, unknown>>;
    expect(seat(0).map((r) => r.kind)).toEqual(['call', 'checkin', 'entered', 'entered']);
    expect(seat(0).filter((r) => r.kind === 'entered')).toMatchObject([
      { code: 'LEFT_EARLY', note: '评标未结束即离开，未说明理由', standing: false, corrects: null },
      { code: 'REFUSED_TO_SIGN', label: 'Refused to sign the evaluation report', note: '复核：实为拒绝签字', standing: true, corrects: firstRecord },
    ]);
    expect(seat(3).map((r) => r.kind)).toEqual(['call', 'no-show']);
    for (const c of roster.calls) expect(res.body).not.toContain(c.expertId);
    for (const c of roster.calls) expect(res.body).not.toContain(t.ctx.pool.personal(c.expertId).name);
    // A checkin desk and an inspector do not read them.
    expect((await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/records`, headers: t.auth('inspector') })).statusCode).toBe(403);
  });

  it('keeps an expert’s record empty while the draw is sealed, and joins the draw’s records to the expert once it is disclosed', async () => {
    const sealed = await expertRecord(0);
    expect(sealed).toEqual({ expertId: expertAt(0), tally: { calls: 0, accepted: 0, declined: 0, timedOut: 0, refused: 0, checkedIn: 0, late: 0, noShows: 0, replacementsCaused: 0 }, conduct: [], draws: [], foreign: [] });
    for (const who of [operator, supervisor]) expect((await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/unseal`, headers: who.auth })).statusCode).toBe(200);
    const disclosed = await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/disclose`, headers: t.auth('operator') });
    expect(disclosed.statusCode, disclosed.body).toBe(200);

    const zero = { calls: 0, accepted: 0, declined: 0, timedOut: 0, refused: 0, checkedIn: 0, late: 0, noShows: 0, replacementsCaused: 0 };
    const r0 = await expertRecord(0);
    expect(r0.tally).toEqual({ ...zero, calls: 1, accepted: 1, checkedIn: 1 });
    expect(r0.conduct).toEqual([{ code: 'REFUSED_TO_SIGN', label: '拒绝在评标报告上签字', count: 1 }]);
    expect(r0.draws).toHaveLength(1);
    expect(r0.draws[0]).toMatchObject({ drawId, projectId: 'P-REC' });
    expect((r0.draws[0].records as Array<{ kind: string }>).map((r) => r.kind)).toEqual(['call', 'checkin', 'entered', 'entered']);
    expect((await expertRecord(1)).tally).toEqual({ ...zero, calls: 1, declined: 1, replacementsCaused: 1 });
    expect((await expertRecord(2)).tally).toEqual({ ...zero, calls: 1, accepted: 1, checkedIn: 1, late: 1 });
    expect((await expertRecord(2)).conduct).toMatchObject([{ code: 'CARELESS_SCORING', count: 1 }]);
    expect((await expertRecord(3)).tally).toEqual({ ...zero, calls: 1, accepted: 1, noShows: 1 });
    expect((await expertRecord(4)).tally).toEqual({ ...zero, calls: 1, timedOut: 1, replacementsCaused: 1 });
    // An unknown expert; and operators do not read experts' records.
    expect((await t.app.inject({ method: 'GET', url: '/v1/experts/E9999999/record', headers: t.auth('pool-manager') })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/v1/experts/${expertAt(0)}/record`, headers: t.auth('operator') })).statusCode).toBe(403);
  });

  it('writes only catalogued record entries', async () => {
    for (const e of await entries()) if (e.type.startsWith('record.')) expect(ENTRIES[e.type as keyof typeof ENTRIES].safeParse(e.payload).success, e.type).toBe(true);
  });
});

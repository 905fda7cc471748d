// Roster transitions: seats pass strictly down the ranking, answers only count on open calls, timeouts expire only
// past their deadline, a used-up ranking leaves a visible unfilled seat, and check-in admits once or refuses.
import { describe, expect, it } from 'vitest';
import * as R from '../../src/roster/roster.js';

const T0 = '2026-12-01T00:00:00.000Z';
let n = 0;
function place(roster: R.Roster, calls: readonly R.NewCall[], deadline = '2026-12-01T00:15:00.000Z'): R.Roster {
  return R.placed(roster, calls.map((c) => ({ ...c, state: 'calling' as const, messageId: `M-${++n}`, calledAt: T0, deadline, answeredAt: null })));
}
function fresh(rankingLength = 5): R.Roster {
  const { roster, calls } = R.initialRoster('D-1', 'P-1', [{ specialty: 'A01', count: 2, ranking: Array.from({ length: rankingLength }, (_, i) => `E${i}`) }]);
  expect(calls.map((c) => [c.seat, c.rank, c.expertId])).toEqual([[0, 0, 'E0'], [1, 1, 'E1']]);
  return place(roster, calls);
}
const call = (r: R.Roster, seat: number) => R.currentCall(r, 0, seat)!;

describe('roster', () => {
  it('passes a declined seat to the next rank, in order, and calls them', () => {
    let r = fresh();
    const t = R.answer(r, call(r, 0).messageId, false, T0);
    expect(t.changed[0]).toMatchObject({ state: 'declined', rank: 0 });
    expect(t.promotions[0]!.to).toEqual({ group: 0, seat: 0, rank: 2, expertId: 'E2' });
    r = place(t.roster, [t.promotions[0]!.to!]);
    const t2 = R.answer(r, call(r, 1).messageId, false, T0);
    expect(t2.promotions[0]!.to).toMatchObject({ seat: 1, rank: 3, expertId: 'E3' });
  });

  it('counts a group’s progress: seats by their current call, vacant seats, and every call that ended without an expert', () => {
    let r = fresh(3);
    const zero = { calling: 0, accepted: 0, declined: 0, timeout: 0, refused: 0, 'checked-in': 0, undelivered: 0, busy: 0, withdrawn: 0 };
    expect(R.progress(r)).toEqual([{ group: 0, specialty: 'A01', seats: 2, current: { ...zero, calling: 2 }, vacant: 0, declined: 0, timedOut: 0, refused: 0, undelivered: 0, busy: 0 }]);
    // Seat 0 declines and passes to rank 2, who is called; seat 1 accepts.
    const t = R.answer(r, call(r, 0).messageId, false, T0);
    r = place(t.roster, [t.promotions[0]!.to!]);
    r = R.answer(r, call(r, 1).messageId, true, T0).roster;
    expect(R.progress(r)[0]).toMatchObject({ current: { ...zero, calling: 1, accepted: 1 }, vacant: 0, declined: 1, timedOut: 0 });
    // Rank 2 times out with the ranking used up: the seat is vacant, and both ended calls still count.
    const out = R.expire(r, '2026-12-01T00:15:00.000Z');
    expect(out.promotions).toEqual([{ from: expect.objectContaining({ rank: 2 }), to: null, passed: [] }]);
    expect(R.progress(out.roster)[0]).toMatchObject({ current: { ...zero, accepted: 1, timeout: 1 }, vacant: 1, declined: 1, timedOut: 1 });
    expect(R.seatsByState(R.progress(out.roster))).toEqual({ ...zero, accepted: 1, timeout: 1 });
  });

  it('ends a call whose message was given up as undelivered at once, before its deadline, and passes the seat on', () => {
    const r = fresh();
    const lost = call(r, 1).messageId;
    const t = R.expire(r, '2026-12-01T00:01:00.000Z', new Set([lost, 'M-of-another-roster']));
    expect(t.changed).toEqual([expect.objectContaining({ seat: 1, state: 'undelivered', answeredAt: '2026-12-01T00:01:00.000Z' })]);
    expect(t.promotions.map((p) => p.to)).toEqual([{ group: 0, seat: 1, rank: 2, expertId: 'E2' }]);
    expect(R.progress(t.roster)[0]).toMatchObject({ undelivered: 1, timedOut: 0, vacant: 1 });
    // Past the deadline, a given-up message is still undelivered, never a timeout; the other call times out.
    const late = R.expire(r, '2026-12-01T00:15:00.000Z', new Set([lost]));
    expect(late.changed.map((c) => [c.seat, c.state])).toEqual([[0, 'timeout'], [1, 'undelivered']]);
    // A call already answered is not ended by its message's later fate.
    const accepted = R.answer(r, lost, true, T0).roster;
    expect(R.expire(accepted, '2026-12-01T00:01:00.000Z', new Set([lost])).changed).toEqual([]);
  });

  it('withdraws every seat still calling or accepted when the project is cancelled, and calls nobody after them', () => {
    const r = fresh();
    const accepted = R.answer(r, call(r, 0).messageId, true, T0).roster;
    const { roster, withdrawn } = R.withdraw(accepted);
    expect(withdrawn.map((c) => [c.seat, c.state])).toEqual([[0, 'withdrawn'], [1, 'withdrawn']]);
    expect(R.seats(roster).map((c) => c.state)).toEqual(['withdrawn', 'withdrawn']);
    expect(roster.groups[0]!.next).toBe(2);
    expect(R.progress(roster)[0]).toMatchObject({ vacant: 2 });
    // An expert already checked in stays so: they are at the venue.
    const seated = R.checkIn(accepted, call(accepted, 0), T0, []).roster;
    expect(R.withdraw(seated).withdrawn.map((c) => c.seat)).toEqual([1]);
  });

  it('accepts an answer once, and only on the seat’s current call', () => {
    const r = fresh();
    const first = call(r, 0).messageId;
    const t = R.answer(r, first, true, T0);
    expect(R.currentCall(t.roster, 0, 0)!.state).toBe('accepted');
    expect(() => R.answer(t.roster, first, false, T0)).toThrow(R.RosterError);
    expect(() => R.answer(t.roster, 'M-none', true, T0)).toThrow(/no such call/);
  });

  it('times out only calls past their deadline', () => {
    const r = fresh();
    expect(R.expire(r, '2026-12-01T00:14:59.000Z').changed).toEqual([]);
    const t = R.expire(r, '2026-12-01T00:15:00.000Z');
    expect(t.changed.map((c) => c.state)).toEqual(['timeout', 'timeout']);
    expect(t.promotions.map((p) => p.to?.rank)).toEqual([2, 3]);
  });

  it('too late to call: withoutCalls leaves every seat it passed on unfilled and its ranks unused', () => {
    const r = fresh();
    // Both seats time out at once: two promotions, ranks 2 and 3.
    const t = R.expire(r, '2026-12-01T00:15:00.000Z');
    expect(t.promotions.map((p) => p.to?.rank)).toEqual([2, 3]);
    const late = R.withoutCalls(t);
    expect(late.promotions).toEqual([{ from: t.promotions[0]!.from, to: null, passed: [] }, { from: t.promotions[1]!.from, to: null, passed: [] }]);
    expect(late.changed).toEqual(t.changed);
    // The ranks stay unused: the group's next rank is where it was before the timeouts.
    expect(late.roster.groups[0]!.next).toBe(r.groups[0]!.next);
    expect(R.unfilled(late.roster).map((c) => c.seat)).toEqual([0, 1]);
    // A transition that passed nothing on is the same transition.
    const accepted = R.answer(r, call(r, 0).messageId, true, T0);
    expect(R.withoutCalls(accepted)).toBe(accepted);
  });

  it('passes over, without a call, every rank a check-in would refuse now, and says why', () => {
    const r = fresh(8);
    // E2 and E4 may no longer sit (a bidder recorded after the draw, a suspension since); the others may.
    const refusals: R.PassOver = (id) => (id === 'E2' ? ['EMPLOYER_IS_BIDDER'] : id === 'E4' ? ['SUSPENDED'] : []);
    const t = R.expire(r, '2026-12-01T00:15:00.000Z', new Set(), new Set(), refusals);
    // Seat 0 passes over E2 to E3; seat 1 passes over E4 to E5. Each skip is said with its codes, in rank order.
    expect(t.promotions.map((p) => [p.to?.expertId, p.passed])).toEqual([
      ['E3', [{ rank: 2, codes: ['EMPLOYER_IS_BIDDER'] }]],
      ['E5', [{ rank: 4, codes: ['SUSPENDED'] }]],
    ]);
    expect(t.roster.groups[0]!.next).toBe(6);
    // Too late to call: the ranks passed over stay unused with the ones it would have called.
    const late = R.withoutCalls(t);
    expect(late.roster.groups[0]!.next).toBe(2);
    expect(late.promotions.every((p) => p.to === null && p.passed.length === 0)).toBe(true);
    // Nobody left who may sit: the seat is unfilled, the ranks passed over still said.
    const none = R.answer(r, call(r, 0).messageId, false, T0, false, () => ['RETIRED']);
    expect(none.promotions[0]).toMatchObject({ to: null, passed: [2, 3, 4, 5, 6, 7].map((rank) => ({ rank, codes: ['RETIRED'] })) });
    expect(none.roster.groups[0]!.next).toBe(8);
  });

  it('leaves a seat unfilled, visibly, when the ranking is used up', () => {
    let r = fresh(3);
    let t = R.answer(r, call(r, 0).messageId, false, T0);
    r = place(t.roster, [t.promotions[0]!.to!]);
    t = R.answer(r, call(r, 0).messageId, false, T0);
    expect(t.promotions[0]!.to).toBeNull();
    expect(R.unfilled(t.roster).map((c) => c.seat)).toEqual([0]);
  });

  it('admits at check-in once, or refuses for a conflict and passes the seat on', () => {
    const r = fresh();
    const admitted = R.checkIn(r, call(r, 0), T0, []);
    expect(R.currentCall(admitted.roster, 0, 0)!.state).toBe('checked-in');
    expect(() => R.checkIn(admitted.roster, call(admitted.roster, 0), T0, [])).toThrow(/already checked in/);
    const refused = R.checkIn(admitted.roster, call(admitted.roster, 1), T0, ['BIDDER_EMPLOYEE']);
    expect(refused.changed[0]).toMatchObject({ state: 'refused', codes: ['BIDDER_EMPLOYEE'] });
    expect(refused.promotions[0]!.to).toMatchObject({ seat: 1, rank: 2 });
    expect(R.seatOf(refused.roster, 'E1')).toBeUndefined();
  });
});

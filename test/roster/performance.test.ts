// Performance records derived from roster transitions: a random sequence of answers, timeouts and check-ins yields, per
// expert, exactly the counts a person keeping a tally by hand would write down; timings, late check-ins and no-show
// times follow the policy.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_TALLY, factsOf, noShowCalls, noShowDue, tally, type CountedRecord, type RecordFact, type Tally } from '../../src/roster/performance.js';
import * as R from '../../src/roster/roster.js';

const OPENING = '2026-12-01T02:00:00.000Z';
const START = Date.parse('2026-12-01T01:00:00.000Z');
const DEADLINE_MS = 15 * 60_000;
const RULES = { lateAfterOpeningMinutes: 5 };

type Event =
  | { kind: 'answer'; pick: number; accept: boolean; after: number }
  | { kind: 'expire'; after: number }
  | { kind: 'checkin'; pick: number; conflict: boolean; after: number };

const event: fc.Arbitrary<Event> = fc.oneof(
  fc.record({ kind: fc.constant('answer' as const), pick: fc.nat(20), accept: fc.boolean(), after: fc.integer({ min: 0, max: 600 }) }),
  fc.record({ kind: fc.constant('expire' as const), after: fc.integer({ min: 0, max: 1200 }) }),
  fc.record({ kind: fc.constant('checkin' as const), pick: fc.nat(20), conflict: fc.boolean(), after: fc.integer({ min: 0, max: 1800 }) }),
);

let n = 0;
function place(roster: R.Roster, calls: readonly R.NewCall[], now: number): R.Roster {
  const at = new Date(now).toISOString();
  const deadline = new Date(now + DEADLINE_MS).toISOString();
  return R.placed(roster, calls.map((c) => ({ ...c, state: 'calling' as const, messageId: `M-${++n}`, calledAt: at, deadline, answeredAt: null })));
}

const counted = (f: RecordFact): CountedRecord => (f.kind === 'no-show' ? { kind: 'no-show' } : { kind: f.kind, outcome: f.outcome, replaced: f.replaced } as CountedRecord);

/** Runs the events; returns the records derived from each transition and the tally kept by hand alongside. */
function run(events: readonly Event[], rankings: number[]) {
  const groups = rankings.map((len, g) => ({ specialty: `A0${g}`, count: 2, ranking: Array.from({ length: len }, (_, i) => `E${g}-${i}`) }));
  const init = R.initialRoster('D-1', 'P-1', groups);
  let now = START;
  let roster = place(init.roster, init.calls, now);
  const facts: RecordFact[] = [];
  const hand = new Map<string, { -readonly [K in keyof Tally]: number }>();
  const of = (id: string) => hand.get(id) ?? hand.set(id, { ...EMPTY_TALLY }).get(id)!;
  const apply = (step: R.Transition, at: string) => {
    facts.push(...factsOf(step, at, OPENING, RULES));
    roster = place(step.roster, step.promotions.flatMap((p) => (p.to ? [p.to] : [])), now);
  };
  for (const e of events) {
    now += e.after * 1000;
    const at = new Date(now).toISOString();
    const open = R.seats(roster);
    if (e.kind === 'answer') {
      const calling = open.filter((c) => c.state === 'calling' && c.deadline > at);
      const c = calling[e.pick % Math.max(1, calling.length)];
      if (!c) continue;
      const h = of(c.expertId);
      h.calls++;
      if (e.accept) h.accepted++;
      else (h.declined++, h.replacementsCaused++);
      apply(R.answer(roster, c.messageId, e.accept, at), at);
    } else if (e.kind === 'expire') {
      for (const c of open) if (c.state === 'calling' && c.deadline <= at) (of(c.expertId).calls++, of(c.expertId).timedOut++, of(c.expertId).replacementsCaused++);
      apply(R.expire(roster, at), at);
    } else {
      const present = open.filter((c) => c.state === 'calling' || c.state === 'accepted');
      const c = present[e.pick % Math.max(1, present.length)];
      if (!c) continue;
      const h = of(c.expertId);
      if (e.conflict) (h.refused++, h.replacementsCaused++);
      else (h.checkedIn++, (h.late += now > Date.parse(OPENING) + 5 * 60_000 ? 1 : 0));
      apply(R.checkIn(roster, c, at, e.conflict ? ['EMPLOYER_IS_PARTY'] : []), at);
    }
  }
  // The end of the day: whoever accepted and never came.
  for (const c of noShowCalls(roster)) {
    of(c.expertId).noShows++;
    facts.push({ kind: 'no-show', call: c, dueAt: '2026-12-01T16:00:00.000Z' });
  }
  return { facts, hand, roster };
}

describe('performance records from roster events', () => {
  it('equal, per expert, the counts kept by hand over a random sequence of events', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 })), (events, [a, b]) => {
        const { facts, hand, roster } = run(events, [a, b]);
        const byExpert = new Map<string, CountedRecord[]>();
        for (const f of facts) byExpert.set(f.call.expertId, [...(byExpert.get(f.call.expertId) ?? []), counted(f)]);
        const derived = Object.fromEntries([...byExpert].map(([id, rs]) => [id, tally(rs)]));
        const kept = Object.fromEntries([...hand].filter(([, h]) => Object.values(h).some((v) => v > 0)));
        expect(derived).toEqual(kept);
        // Every seat that passed on is a record that says so, and no record says so for a seat that stayed.
        const ended = roster.calls.filter((c) => c.state === 'declined' || c.state === 'timeout' || c.state === 'refused').length;
        expect(facts.filter((f) => f.kind !== 'no-show' && f.replaced !== null)).toHaveLength(ended);
      }),
      { numRuns: 300 },
    );
  });

  it('times an answer from its call, and tells a promoted seat from one left unfilled', () => {
    const init = R.initialRoster('D-1', 'P-1', [{ specialty: 'A01', count: 2, ranking: ['E0', 'E1', 'E2'] }]);
    let r = place(init.roster, init.calls, START);
    const first = R.seats(r)[0]!;
    const at = new Date(START + 95_400).toISOString();
    const declined = R.answer(r, first.messageId, false, at);
    expect(factsOf(declined, at, OPENING, RULES)).toEqual([{ kind: 'call', call: declined.changed[0], outcome: 'declined', seconds: 95, replaced: 'promoted' }]);
    r = place(declined.roster, [declined.promotions[0]!.to!], START);
    const second = R.seats(r)[1]!;
    const out = R.answer(r, second.messageId, false, at);
    expect(factsOf(out, at, OPENING, RULES)[0]).toMatchObject({ outcome: 'declined', replaced: 'unfilled' });
  });

  it('calls a check-in late only after bid opening plus the policy’s minutes', () => {
    const init = R.initialRoster('D-1', 'P-1', [{ specialty: 'A01', count: 1, ranking: ['E0'] }]);
    const r = place(init.roster, init.calls, START);
    const c = R.seats(r)[0]!;
    const at = (min: number) => new Date(Date.parse(OPENING) + min * 60_000).toISOString();
    const outcome = (min: number, rules = RULES) => factsOf(R.checkIn(r, c, at(min), []), at(min), OPENING, rules)[0];
    expect(outcome(-30)).toMatchObject({ kind: 'checkin', outcome: 'on-time', minutesAfterOpening: -30, replaced: null });
    expect(outcome(5)).toMatchObject({ outcome: 'on-time', minutesAfterOpening: 5 });
    expect(outcome(5.5)).toMatchObject({ outcome: 'late', minutesAfterOpening: 5 });
    expect(outcome(0.5, { lateAfterOpeningMinutes: 0 })).toMatchObject({ outcome: 'late', minutesAfterOpening: 0 });
    expect(outcome(-1, { lateAfterOpeningMinutes: -30 })).toMatchObject({ outcome: 'late' });
  });

  it('makes an accepted call a no-show at the policy’s minutes after opening, or when the opening’s local day ends', () => {
    expect(noShowDue('2026-12-01T09:30:00+08:00', 240, 'Asia/Shanghai')).toBe('2026-12-01T05:30:00.000Z');
    // Midnight in Beijing after a morning opening, and after one late in the evening (the same local day).
    expect(noShowDue('2026-12-01T09:30:00+08:00', null, 'Asia/Shanghai')).toBe('2026-12-01T16:00:00.000Z');
    expect(noShowDue('2026-12-01T23:59:00+08:00', null, 'Asia/Shanghai')).toBe('2026-12-01T16:00:00.000Z');
    // A zone that changes its offset that night: the end of the day is the next local midnight all the same.
    expect(noShowDue('2026-03-28T12:00:00+01:00', null, 'Europe/Berlin')).toBe('2026-03-28T23:00:00.000Z');
    expect(noShowDue('2026-03-29T12:00:00+02:00', null, 'Europe/Berlin')).toBe('2026-03-29T22:00:00.000Z');
  });
});

// Issue 15 "Must hold": a simulated year of 20,000 draws with injected misconduct. Every seat of every draw goes through
// the pure roster (calls accepted, declined or timed out, check-ins on time, late or refused, no-shows), and the
// automatic records come from the same functions the roster service logs them with (factsOf, noShowCalls, noShowDue);
// the conduct records are the supervisor's `record.entered`. Planted on chosen experts: no-shows (two and four within
// 12 months), a TOOK_INSTRUCTIONS record, deductions below the score line, and near-misses that must fire nothing (two
// no-shows 13 months apart, one no-show, deductions to exactly the line). Planted too: a collusion pair seated together
// far more often than chance. Proved: every injected case is among the records (count and kind per expert); each rule
// fires exactly the firings written from the plan below (not from the engine), once, whether the rules run once over
// the year or in monthly passes; no near-miss and no honest expert fires; a further pass adds nothing; the alerts
// find the pair and name nobody else at the default threshold. Fixed seeds: every run is the same.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, alertsPolicy, recordsPolicy, sanctionsPolicy, type SanctionRule } from '../../src/domain/policy.js';
import { codeOf, consequenceId, fire, type RuleRecord } from '../../src/domain/sanctions.js';
import { factsOf, noShowCalls, noShowDue, uncounted, type RecordFact } from '../../src/roster/performance.js';
import * as R from '../../src/roster/roster.js';
import { assessAlerts, type AlertCall, type AlertDraw, type AlertsReport } from '../../src/verify/alerts.js';

/** mulberry32, as the fairness and alerts tests use. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MIN = 60_000;
const DAY = 86_400_000;
const TIME_ZONE = 'Asia/Shanghai';
const START = Date.parse('2026-01-01T00:00:00Z');
const END = START + 365 * DAY;
const DRAWS = 20_000;
const SPECIALTIES = 40;
const PER_SPECIALTY = 60;
const SEATS = 5;
const expertId = (i: number) => `E${String(i).padStart(4, '0')}`;
const iso = (t: number) => new Date(t).toISOString();
const at = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

const RULES: readonly SanctionRule[] = sanctionsPolicy(DEFAULT_POLICY).rules;
const RECORDS = recordsPolicy(DEFAULT_POLICY);
const ALERTS = alertsPolicy(DEFAULT_POLICY);

// ---------------------------------------------------------------------------------------------------------------
// The injection plan. Each expert's events happen in order, each at the expert's first fitting call on or after its
// date: `decline` declines the call; `no-show` accepts and never checks in; `late` checks in after opening; a conduct
// code checks in on time and gets the supervisor's record. Planted experts otherwise always accept and come on time.
type Injected = 'no-show' | 'late' | 'decline' | 'TOOK_INSTRUCTIONS' | 'UNFAIR_SCORING';
interface PlanEvent {
  readonly after: number;
  readonly kind: Injected;
}

const S1 = expertId(10 * PER_SPECIALTY + 1); // two no-shows six months apart: suspended once
const S4 = expertId(11 * PER_SPECIALTY + 2); // four no-shows in six months: suspended twice, reviewed once
const B1 = expertId(12 * PER_SPECIALTY + 3); // took instructions: blacklisted
const R1 = expertId(13 * PER_SPECIALTY + 4); // 30 + 5 + 5 + 2 = 42 points: below 60, reviewed
const N13 = expertId(14 * PER_SPECIALTY + 5); // near-miss: two no-shows 13 months apart (one in the year before)
const N1 = expertId(15 * PER_SPECIALTY + 6); // near-miss: one no-show
const N40 = expertId(16 * PER_SPECIALTY + 7); // near-miss: 30 + 5 + 5 = 40 points, the score is 60, not below it
/** The planted collusion pair (specialty 0): B is put on A's panel half the times A is selected and B eligible. */
const PAIR = { a: expertId(3), b: expertId(7), rate: 0.5 };
/** The earlier no-show of N13: a draw 13 months before its second one. */
const PRIOR_OPENING = Date.parse('2025-11-03T09:30:00+08:00');

const PLAN: ReadonlyMap<string, readonly PlanEvent[]> = new Map<string, PlanEvent[]>([
  [S1, [{ after: at('2026-02-01'), kind: 'no-show' }, { after: at('2026-08-01'), kind: 'no-show' }]],
  [S4, ['2026-03-01', '2026-05-01', '2026-07-01', '2026-09-01'].map((d) => ({ after: at(d), kind: 'no-show' as const }))],
  [B1, [{ after: at('2026-04-01'), kind: 'TOOK_INSTRUCTIONS' }]],
  [R1, [{ after: at('2026-02-15'), kind: 'UNFAIR_SCORING' }, { after: at('2026-05-01'), kind: 'late' }, { after: at('2026-06-01'), kind: 'late' }, { after: at('2026-07-01'), kind: 'decline' }]],
  [N13, [{ after: PRIOR_OPENING, kind: 'no-show' }, { after: at('2026-12-05'), kind: 'no-show' }]],
  [N1, [{ after: at('2026-06-01'), kind: 'no-show' }]],
  [N40, [{ after: at('2026-03-01'), kind: 'UNFAIR_SCORING' }, { after: at('2026-04-01'), kind: 'late' }, { after: at('2026-05-01'), kind: 'late' }]],
]);

/** The records each planted expert must have, by rule code (they have no others: they otherwise behave perfectly). */
const EXPECTED_CODES: Record<string, Record<string, number>> = {
  [S1]: { 'no-show': 2 },
  [S4]: { 'no-show': 4 },
  [B1]: { TOOK_INSTRUCTIONS: 1 },
  [R1]: { UNFAIR_SCORING: 1, late: 2, decline: 1 },
  [N13]: { 'no-show': 2 },
  [N1]: { 'no-show': 1 },
  [N40]: { UNFAIR_SCORING: 1, late: 2 },
};

/**
 * The firings written from the plan: per expert, each rule's sets of records, as positions in the expert's counted
 * records in time order (the planted experts have no other counted records). Everybody else: none.
 * S1: its two no-shows are 6 months apart → NO_SHOW_TWICE once; 40 points leave the score at 60, not below.
 * S4: no-shows 1+2 and 3+4 → NO_SHOW_TWICE twice; 60 points at the third → LOW_ANNUAL_SCORE once, the fourth alone is 20.
 * B1: TOOK_INSTRUCTIONS → SERIOUS_MISCONDUCT once (it deducts nothing from the score).
 * R1: 30 + 5 + 5 + 2 = 42 > 40 → LOW_ANNUAL_SCORE once, with all four.
 * N13, N1, N40: nothing.
 */
const EXPECTED_FIRINGS: Record<string, Record<string, number[][]>> = {
  [S1]: { NO_SHOW_TWICE: [[0, 1]] },
  [S4]: { NO_SHOW_TWICE: [[0, 1], [2, 3]], LOW_ANNUAL_SCORE: [[0, 1, 2]] },
  [B1]: { SERIOUS_MISCONDUCT: [[0]] },
  [R1]: { LOW_ANNUAL_SCORE: [[0, 1, 2, 3]] },
};

// ---------------------------------------------------------------------------------------------------------------
// The simulation.

/** A record as the log holds it, reduced to what the rules and the checks read. */
interface Logged {
  readonly index: number;
  readonly time: number;
  readonly expertId: string;
  readonly drawId: string;
  readonly type: 'record.call' | 'record.checkin' | 'record.no-show' | 'record.entered';
  readonly payload: { readonly outcome?: string; readonly code?: string };
  readonly code: string | null;
}

interface Year {
  readonly records: Logged[];
  readonly draws: AlertDraw[];
  /** When each planted event happened (its draw's bid opening), per expert, in plan order; null: never. */
  readonly realized: Map<string, Array<number | null>>;
  readonly transitions: number;
  readonly promotions: number;
  readonly unfilled: number;
}

type Event =
  | { readonly t: number; readonly kind: 'answer'; readonly messageId: string; readonly accept: boolean }
  | { readonly t: number; readonly kind: 'expire' }
  | { readonly t: number; readonly kind: 'checkin'; readonly messageId: string; readonly refuse: boolean; readonly conduct: string | null };

function simulate(seed: number, withPlants: boolean): Year {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const specialties = Array.from({ length: SPECIALTIES }, (_, s) => Array.from({ length: PER_SPECIALTY }, (_, i) => expertId(s * PER_SPECIALTY + i)));
  const tenderer = (name: string) => ({ name, home: [Math.floor(rand() * SPECIALTIES), Math.floor(rand() * SPECIALTIES)], agency: rand() < 0.8 ? `A${String(Math.floor(rand() * 40)).padStart(2, '0')}` : null });
  const big = Array.from({ length: 5 }, (_, i) => tenderer(`T-BIG-${i}`));
  const small = Array.from({ length: 300 }, (_, i) => tenderer(`T${String(i).padStart(3, '0')}`));
  const plan = withPlants ? PLAN : new Map<string, readonly PlanEvent[]>();
  const realized = new Map([...plan].map(([id, events]) => [id, events.map(() => null as number | null)]));
  /** The expert's next planned event, if its date has come by `opening`. */
  const due = (id: string, opening: number): { i: number; e: PlanEvent } | null => {
    const events = plan.get(id);
    if (!events) return null;
    const i = realized.get(id)!.indexOf(null);
    return i >= 0 && events[i]!.after <= opening ? { i, e: events[i]! } : null;
  };

  const records: Logged[] = [];
  const draws: AlertDraw[] = [];
  let transitions = 0;
  let promotions = 0;
  let unfilled = 0;
  const log = (time: number, id: string, drawId: string, type: Logged['type'], payload: Logged['payload']) =>
    records.push({ index: records.length, time, expertId: id, drawId, type, payload, code: codeOf(type, payload) });

  /** One draw: its groups' rankings through the roster, from the calls to the no-shows. */
  const runDraw = (drawId: string, opening: number, t: { name: string; agency: string | null }, groups: Array<{ specialty: number; eligible: string[]; ranking: string[] }>) => {
    const openingIso = iso(opening);
    const drawAt = opening - 60 * MIN;
    const init = R.initialRoster(drawId, `P-${drawId}`, groups.map((g) => ({ specialty: String(g.specialty), count: Math.min(SEATS, g.ranking.length), ranking: g.ranking })));
    let roster = init.roster;
    let messages = 0;
    const events: Event[] = [];
    const calls: AlertCall[] = [];
    /** Places new calls at `now`, each with its answer (or its time-out) scheduled. */
    const place = (news: readonly R.NewCall[], now: number) => {
      const deadline = Math.min(now + 15 * MIN, opening - MIN);
      const placed = news.map((c): R.Call => ({ ...c, state: 'calling', messageId: `M-${drawId}.${messages++}`, calledAt: iso(now), deadline: iso(deadline), answeredAt: null }));
      roster = R.placed(roster, placed);
      for (const c of placed) {
        const planted = plan.has(c.expertId);
        let outcome: 'accept' | 'decline' | 'timeout';
        if (planted) {
          const next = due(c.expertId, opening);
          if (next?.e.kind === 'decline') {
            realized.get(c.expertId)![next.i] = opening;
            outcome = 'decline';
          } else outcome = 'accept';
        } else {
          const r = rand();
          outcome = r < 0.96 ? 'accept' : r < 0.99 ? 'decline' : 'timeout';
        }
        if (outcome === 'timeout' || deadline <= now) events.push({ t: deadline, kind: 'expire' });
        else events.push({ t: now + Math.max(1000, Math.floor(rand() * Math.min(10 * MIN, deadline - now - 1000))), kind: 'answer', messageId: c.messageId, accept: outcome === 'accept' });
      }
    };
    /** Applies a roster transition: its records, its promotions (new calls placed at `now`). */
    const apply = (step: R.Transition, now: number) => {
      transitions++;
      roster = step.roster;
      for (const f of factsOf(step, iso(now), openingIso, RECORDS)) {
        if (f.kind === 'call') {
          log(now, f.call.expertId, drawId, 'record.call', { outcome: f.outcome });
          // The alerts read answers only (as AlertsService does): no message goes undelivered in this simulation.
          if (!uncounted(f.outcome)) calls.push({ expertId: f.call.expertId, outcome: f.outcome });
        } else if (f.kind === 'checkin') log(now, f.call.expertId, drawId, 'record.checkin', { outcome: f.outcome });
      }
      const next: R.NewCall[] = [];
      for (const p of step.promotions) {
        if (p.to) {
          promotions++;
          next.push(p.to);
        } else unfilled++;
      }
      place(next, now);
    };
    /** An accepted call: its check-in scheduled (on time, late, refused for a conflict), or none (a no-show). */
    const arrive = (call: R.Call, accepted: number) => {
      const onTime = accepted + Math.floor(rand() * (opening - accepted));
      const late = opening + (1 + Math.floor(rand() * 30)) * MIN;
      if (plan.has(call.expertId)) {
        const next = due(call.expertId, opening);
        if (next && next.e.kind !== 'decline') {
          realized.get(call.expertId)![next.i] = opening;
          if (next.e.kind === 'no-show') return;
          if (next.e.kind === 'late') return void events.push({ t: late, kind: 'checkin', messageId: call.messageId, refuse: false, conduct: null });
          return void events.push({ t: onTime, kind: 'checkin', messageId: call.messageId, refuse: false, conduct: next.e.kind });
        }
        return void events.push({ t: onTime, kind: 'checkin', messageId: call.messageId, refuse: false, conduct: null });
      }
      const r = rand();
      // A conflict found at check-in, at least 20 minutes before opening: time enough for the next rank to answer
      // (a refusal later than opening minus a minute calls the next ranks with deadlines already past: see the report).
      const refuseBy = opening - 20 * MIN;
      if (r < 0.003 && accepted < refuseBy) events.push({ t: accepted + Math.floor(rand() * (refuseBy - accepted)), kind: 'checkin', messageId: call.messageId, refuse: true, conduct: null });
      else events.push({ t: r < 0.008 ? late : onTime, kind: 'checkin', messageId: call.messageId, refuse: false, conduct: null });
    };

    place(init.calls, drawAt);
    while (events.length > 0) {
      let k = 0;
      for (let i = 1; i < events.length; i++) if (events[i]!.t < events[k]!.t) k = i;
      const ev = events.splice(k, 1)[0]!;
      if (ev.kind === 'expire') {
        apply(R.expire(roster, iso(ev.t)), ev.t);
        continue;
      }
      const call = roster.calls.find((c) => c.messageId === ev.messageId)!;
      if (ev.kind === 'answer') {
        if (call.state !== 'calling') continue;
        apply(R.answer(roster, ev.messageId, ev.accept, iso(ev.t)), ev.t);
        if (ev.accept) arrive(roster.calls.find((c) => c.messageId === ev.messageId)!, ev.t);
      } else {
        apply(R.checkIn(roster, call, iso(ev.t), ev.refuse ? ['RELATED_PARTY'] : []), ev.t);
        // The supervisor's conduct record, entered the day after the evaluation.
        if (ev.conduct !== null) log(opening + DAY, call.expertId, drawId, 'record.entered', { code: ev.conduct });
      }
    }
    // The no-show pass at the draw's no-show time: every accepted call never checked in.
    const dueAt = noShowDue(openingIso, RECORDS.noShowAfterMinutes, TIME_ZONE);
    for (const call of noShowCalls(roster)) {
      const fact: RecordFact = { kind: 'no-show', call, dueAt };
      log(Date.parse(fact.dueAt), fact.call.expertId, drawId, 'record.no-show', {});
    }
    draws.push({ drawId, at: opening, tenderer: t.name, agency: t.agency, groups: groups.map((g, i) => ({ eligible: g.eligible, selected: g.ranking.slice(0, init.roster.groups[i]!.count) })), calls });
  };

  const shuffled = (eligible: readonly string[]) => {
    const ranking = [...eligible];
    for (let i = ranking.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [ranking[i], ranking[j]] = [ranking[j]!, ranking[i]!];
    }
    return ranking;
  };

  // The year before: one draw of N13's specialty that ranks N13 first (its first planted no-show).
  if (withPlants) {
    const spec = 14;
    const eligible = specialties[spec]!;
    const ranking = [N13, ...shuffled(eligible.filter((id) => id !== N13))];
    runDraw('D-PRIOR', PRIOR_OPENING, small[0]!, [{ specialty: spec, eligible, ranking }]);
  }

  for (let d = 0; d < DRAWS; d++) {
    const opening = START + Math.floor(((d + rand()) / DRAWS) * 365 * DAY / MIN) * MIN;
    const t = rand() < 0.15 ? pick(big) : pick(small);
    const specs = [rand() < 0.8 ? pick(t.home) : Math.floor(rand() * SPECIALTIES)];
    if (rand() < 0.3) {
      const second = Math.floor(rand() * SPECIALTIES);
      if (second !== specs[0]) specs.push(second);
    }
    const groups: Array<{ specialty: number; eligible: string[]; ranking: string[] }> = [];
    for (const s of specs) {
      const eligible = specialties[s]!.filter(() => rand() < 0.9);
      const ranking = shuffled(eligible);
      const seats = Math.min(SEATS, ranking.length);
      // The collusion: when A is selected and B only eligible, B takes one of the other seats, at the pair's rate.
      const a = ranking.indexOf(PAIR.a);
      const b = ranking.indexOf(PAIR.b);
      if (withPlants && a >= 0 && a < seats && b >= seats && rand() < PAIR.rate) {
        let seat = Math.floor(rand() * (seats - 1));
        if (seat >= a) seat++;
        [ranking[seat], ranking[b]] = [ranking[b]!, ranking[seat]!];
      }
      groups.push({ specialty: s, eligible, ranking });
    }
    runDraw(`D${String(d).padStart(5, '0')}`, opening, t, groups);
  }
  return { records, draws, realized, transitions, promotions, unfilled };
}

// ---------------------------------------------------------------------------------------------------------------
// The rules as the service's pass runs them: per expert, the counted records of disclosed draws; per rule, the records
// earlier firings used are skipped. A consequence is keyed by consequenceId (applied once).

interface Fired {
  readonly expertId: string;
  readonly ruleId: string;
  readonly records: readonly number[];
  readonly id: string;
}

function ruleRecordsByExpert(records: readonly Logged[], upTo = Infinity): Map<string, RuleRecord[]> {
  const out = new Map<string, RuleRecord[]>();
  for (const r of records) {
    if (r.code === null || r.time >= upTo) continue;
    (out.get(r.expertId) ?? out.set(r.expertId, []).get(r.expertId)!).push({ index: r.index, time: r.time, code: r.code });
  }
  return out;
}

/** One pass over the records logged before `upTo`; `used` (per expert and rule) and `applied` (by id) carry over. */
function pass(records: readonly Logged[], upTo: number, used: Map<string, Set<number>>, applied: Map<string, Fired>): Fired[] {
  const added: Fired[] = [];
  for (const [expert, mine] of ruleRecordsByExpert(records, upTo)) {
    for (const rule of RULES) {
      const key = `${expert}\t${rule.id}`;
      const u = used.get(key) ?? used.set(key, new Set()).get(key)!;
      for (const f of fire(rule, mine, u)) {
        const id = consequenceId(rule.id, expert, f.records);
        for (const i of f.records) u.add(i);
        if (applied.has(id)) continue;
        const fired = { expertId: expert, ruleId: rule.id, records: f.records, id };
        applied.set(id, fired);
        added.push(fired);
      }
    }
  }
  return added;
}

/** The plan's firings as log indexes: each position taken from the expert's counted records in time order (-1: missing). */
function expectedFirings(records: readonly Logged[]): Array<{ expertId: string; ruleId: string; records: number[] }> {
  const byExpert = ruleRecordsByExpert(records);
  const out: Array<{ expertId: string; ruleId: string; records: number[] }> = [];
  for (const [expert, rules] of Object.entries(EXPECTED_FIRINGS)) {
    const mine = [...(byExpert.get(expert) ?? [])].sort((a, b) => a.time - b.time || a.index - b.index);
    for (const [ruleId, sets] of Object.entries(rules)) for (const set of sets) out.push({ expertId: expert, ruleId, records: set.map((p) => mine[p]?.index ?? -1) });
  }
  return out;
}

const norm = (xs: ReadonlyArray<{ expertId: string; ruleId: string; records: readonly number[] }>) =>
  xs.map((x) => `${x.expertId} ${x.ruleId} ${[...x.records].sort((a, b) => a - b).join(',')}`).sort();

// ---------------------------------------------------------------------------------------------------------------

describe('a simulated year of 20,000 draws with injected misconduct', () => {
  let year: Year;
  let monthly: Fired[];
  let oneShot: Map<string, Fired>;
  let report: AlertsReport;

  beforeAll(() => {
    const t0 = Date.now();
    year = simulate(20261204, true);
    const t1 = Date.now();
    // Monthly passes, as the service's pass would meet the records over the year (and one after the last no-show time).
    const used = new Map<string, Set<number>>();
    const applied = new Map<string, Fired>();
    monthly = [];
    for (let m = 1; m <= 14; m++) monthly.push(...pass(year.records, Date.UTC(2025, 11 + m, 1), used, applied));
    monthly.push(...pass(year.records, Infinity, used, applied));
    oneShot = new Map();
    pass(year.records, Infinity, new Map(), oneShot);
    const t2 = Date.now();
    report = assessAlerts(year.draws, END, ALERTS);
    const t3 = Date.now();
    const pair = report.alerts.find((a) => a.kind === 'co-seating');
    const counted = year.records.filter((r) => r.code !== null).length;
    console.log(
      `[records-year] draws ${year.draws.length} (window ${report.window.draws}); transitions ${year.transitions}, promotions ${year.promotions}, unfilled ${year.unfilled}; ` +
        `records ${year.records.length} (counted by rules ${counted}: ${Object.entries(countBy(year.records.filter((r) => r.code !== null).map((r) => (/^[A-Z]/.test(r.code!) ? 'conduct' : r.code!)))).map(([k, v]) => `${k} ${v}`).join(', ')}); ` +
        `firings ${monthly.length} (${Object.entries(countBy(monthly.map((f) => f.ruleId))).map(([k, v]) => `${k} ${v}`).join(', ')}); ` +
        `alerts ${report.alerts.length}${pair?.kind === 'co-seating' ? `, pair ${pair.experts.join('+')} together ${pair.together} vs expected ${pair.expected.toFixed(2)}, p ${pair.pValue.toExponential(2)}, adjusted ${pair.adjusted.toExponential(2)} (alpha ${pair.alpha}, ${pair.tests} tests)` : ''}; ` +
        `ms: simulate ${t1 - t0}, rules ${t2 - t1}, alerts ${t3 - t2}`,
    );
  }, 120_000);

  it('every planted event happened, at the dates the plan needs', () => {
    for (const [expert, events] of PLAN) {
      const when = year.realized.get(expert)!;
      expect(when.every((x) => x !== null), `${expert}: ${JSON.stringify(when)}`).toBe(true);
      events.forEach((e, i) => expect(when[i]!).toBeGreaterThanOrEqual(e.after));
    }
    // The premises of the plan's windows: S1's and S4's no-shows lie within 12 months; N13's are 13 months apart.
    const noShows = (id: string) => year.records.filter((r) => r.expertId === id && r.type === 'record.no-show').map((r) => r.time);
    const s1 = noShows(S1);
    expect(s1[1]! - s1[0]!).toBeLessThanOrEqual(365 * DAY);
    const s4 = noShows(S4);
    expect(s4[3]! - s4[0]!).toBeLessThanOrEqual(365 * DAY);
    const n13 = noShows(N13);
    expect(n13).toHaveLength(2);
    expect(n13[1]! - n13[0]!).toBeGreaterThan(395 * DAY);
  });

  it('every injected case is among the records: count and kind per planted expert, and of the type the roster logs', () => {
    for (const [expert, codes] of Object.entries(EXPECTED_CODES)) {
      const mine = year.records.filter((r) => r.expertId === expert && r.code !== null);
      expect(countBy(mine.map((r) => r.code!)), expert).toEqual(codes);
      for (const r of mine) {
        const type = r.code === 'no-show' ? 'record.no-show' : r.code === 'late' ? 'record.checkin' : r.code === 'decline' ? 'record.call' : 'record.entered';
        expect(r.type).toBe(type);
      }
      // They came to every other seat: their calls are accepted but for planted declines, check-ins on time but for planted lates.
      const seated = year.records.filter((r) => r.expertId === expert && r.type === 'record.checkin');
      expect(seated.length).toBeGreaterThan(20);
    }
    // Nobody else has a no-show, nor a conduct record.
    const planted = new Set(PLAN.keys());
    expect(year.records.filter((r) => !planted.has(r.expertId) && (r.type === 'record.no-show' || r.type === 'record.entered'))).toEqual([]);
  });

  it('the honest background is real but stays above the score line: declines, time-outs, late and refused check-ins', () => {
    const deductions = RULES.find((r) => r.id === 'LOW_ANNUAL_SCORE')!.measure;
    if (deductions.kind !== 'score') throw new Error('score rule expected');
    const planted = new Set(PLAN.keys());
    const total = new Map<string, number>();
    for (const r of year.records) if (!planted.has(r.expertId) && r.code !== null) total.set(r.expertId, (total.get(r.expertId) ?? 0) + (deductions.deductions[r.code] ?? 0));
    const worst = Math.max(...total.values());
    console.log(`[records-year] honest experts with deductions ${total.size}, worst yearly deduction ${worst} (the rule fires above ${deductions.start - deductions.below})`);
    // A year's sum bounds every 12-month window's: below the line, no honest score can fire (the premise of "none").
    expect(worst).toBeLessThanOrEqual(deductions.start - deductions.below);
    expect(worst).toBeGreaterThanOrEqual(20);
    const codes = countBy(year.records.filter((r) => !planted.has(r.expertId) && r.code !== null).map((r) => r.code!));
    for (const c of ['decline', 'timeout', 'late', 'refused']) expect(codes[c] ?? 0).toBeGreaterThan(50);
    expect(year.promotions).toBeGreaterThan(5000);
  });

  it('each rule fires exactly the plan\'s firings, once, in monthly passes as in one pass; no near-miss, nobody honest', () => {
    const expected = expectedFirings(year.records);
    expect(norm(monthly)).toEqual(norm(expected));
    expect(norm([...oneShot.values()])).toEqual(norm(expected));
    // Once: no consequence id twice, no record used twice by one rule.
    expect(new Set(monthly.map((f) => f.id)).size).toBe(monthly.length);
    for (const rule of RULES) {
      const used = monthly.filter((f) => f.ruleId === rule.id).flatMap((f) => f.records);
      expect(new Set(used).size).toBe(used.length);
    }
    const fired = new Set(monthly.map((f) => f.expertId));
    for (const nearMiss of [N13, N1, N40]) expect(fired.has(nearMiss)).toBe(false);
    expect(fired).toEqual(new Set([S1, S4, B1, R1]));
  });

  it('re-running the rules on the same records adds nothing', () => {
    const used = new Map<string, Set<number>>();
    for (const f of monthly) {
      const key = `${f.expertId}\t${f.ruleId}`;
      const u = used.get(key) ?? used.set(key, new Set()).get(key)!;
      for (const i of f.records) u.add(i);
    }
    const applied = new Map(monthly.map((f) => [f.id, f]));
    expect(pass(year.records, Infinity, used, applied)).toEqual([]);
    // And from scratch (no record marked used), every firing is one already applied: its id is known.
    expect(pass(year.records, Infinity, new Map(), applied)).toEqual([]);
  });

  it('the comparison can fail: without one of S1\'s no-shows the suspension is missing', () => {
    const firstNoShow = year.records.find((r) => r.expertId === S1 && r.type === 'record.no-show')!;
    const fewer = year.records.filter((r) => r !== firstNoShow);
    const got = new Map<string, Fired>();
    pass(fewer, Infinity, new Map(), got);
    expect([...got.values()].some((f) => f.expertId === S1)).toBe(false);
    expect(norm([...got.values()])).not.toEqual(norm(expectedFirings(year.records)));
  });

  it('the alerts find the planted pair and name nobody else at the default threshold', () => {
    expect(report.window.draws).toBe(DRAWS);
    const pairs = report.alerts.filter((a) => a.kind === 'co-seating');
    expect(pairs.map((a) => a.kind === 'co-seating' && a.experts)).toEqual([[PAIR.a, PAIR.b]]);
    const [pair] = pairs;
    if (pair?.kind !== 'co-seating') throw new Error('no pair');
    expect(pair.together).toBeGreaterThan(4 * pair.expected);
    expect(pair.adjusted).toBeLessThan(ALERTS.coSeating.alpha);
    // Nobody else: no decline cluster, agency favourite or acceptance drop either (the planted misconduct is not an alert's).
    const named = report.alerts.flatMap((a) => (a.kind === 'co-seating' ? a.experts : a.kind === 'acceptance-drop' ? ['(centre)'] : a.kind === 'withdrawn-draws' ? [a.site] : [a.expertId]));
    expect(new Set(named)).toEqual(new Set([PAIR.a, PAIR.b]));
    console.log(`[records-year] acceptance: period ${report.acceptance.period.rate.toFixed(4)} vs baseline ${report.acceptance.baseline.rate.toFixed(4)}, p ${report.acceptance.pValue.toExponential(2)}; tests ${JSON.stringify(report.tests)}`);
  });
});

function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

// Sanction rules, pure (docs/records.md "Rules and consequences"): the firings computed from a random history equal the
// rules applied by hand (a separate, simple reference below); each record fires each rule at most once however the
// history arrives; and a random run of consequences and expiries leaves the expert excluded on exactly the days some
// consequence covers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, Policy, type SanctionRule } from '../../src/domain/policy.js';
import { addDays, afterLift, codeOf, consequenceId, fire, imposed, strengthen, suspensionLastDay, type RuleRecord, type StatusState } from '../../src/domain/sanctions.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const CODES = ['no-show', 'timeout', 'decline', 'late', 'refused', 'LEFT_EARLY', 'TOOK_INSTRUCTIONS'];

/** The rule by hand: candidates in time order; at each one, those since the last firing within the window; fire when they weigh enough. */
function byHand(rule: SanctionRule, records: readonly RuleRecord[], used: ReadonlySet<number>): number[][] {
  const m = rule.measure;
  const weightOf = (code: string) => (m.kind === 'count' ? (m.codes.includes(code) ? 1 : 0) : (m.deductions[code] ?? 0));
  const c = [...records].filter((r) => !used.has(r.index) && weightOf(r.code) > 0).sort((a, b) => (a.time !== b.time ? a.time - b.time : a.index - b.index));
  const out: number[][] = [];
  let last = -1;
  for (let j = 0; j < c.length; j++) {
    const w = c.slice(last + 1, j + 1).filter((r) => c[j]!.time - r.time <= rule.withinDays * DAY);
    const sum = w.reduce((s, r) => s + weightOf(r.code), 0);
    const fires = m.kind === 'count' ? sum >= m.atLeast : m.start - sum < m.below;
    if (fires) {
      out.push(w.map((r) => r.index));
      last = j;
    }
  }
  return out;
}

const history = fc
  .array(fc.record({ day: fc.integer({ min: 0, max: 900 }), code: fc.constantFrom(...CODES) }), { maxLength: 40 })
  .map((xs) => xs.map((x, index): RuleRecord => ({ index, time: T0 + x.day * DAY, code: x.code })));

const rule = fc.oneof(
  fc.record({ atLeast: fc.integer({ min: 1, max: 4 }), codes: fc.subarray(CODES, { minLength: 1 }), withinDays: fc.integer({ min: 1, max: 400 }) }).map(
    ({ atLeast, codes, withinDays }): SanctionRule => ({ id: 'R_COUNT', zh: '规则', en: 'rule', withinDays, measure: { kind: 'count', codes, atLeast }, consequence: { kind: 'suspend', months: 6 } }),
  ),
  fc.record({ below: fc.integer({ min: 0, max: 100 }), withinDays: fc.integer({ min: 1, max: 400 }), points: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: CODES.length, maxLength: CODES.length }) }).map(
    ({ below, withinDays, points }): SanctionRule => ({
      id: 'R_SCORE',
      zh: '规则',
      en: 'rule',
      withinDays,
      measure: { kind: 'score', start: 100, below, deductions: Object.fromEntries(CODES.map((c, i) => [c, points[i]!])) },
      consequence: { kind: 'review' },
    }),
  ),
);

describe('sanction rules', () => {
  it('fire exactly as the rules applied by hand, on random histories', () => {
    fc.assert(
      fc.property(rule, history, fc.array(fc.nat(39)), (r, records, usedList) => {
        const used = new Set(usedList);
        expect(fire(r, records, used).map((f) => f.records)).toEqual(byHand(r, records, used));
      }),
      { numRuns: 400 },
    );
  });

  it('use each record at most once per rule, and fire only on sets within the window that weigh enough, however the history arrives', () => {
    fc.assert(
      fc.property(rule, history, fc.array(fc.nat(5), { minLength: 40, maxLength: 40 }), (r, records, batchOf) => {
        // Records arrive in batches (draws disclosed at different times); each pass fires on what is new.
        const used = new Set<number>();
        const all: number[][] = [];
        for (let batch = 0; batch <= 5; batch++) {
          const known = records.filter((x) => batchOf[x.index]! <= batch);
          for (const f of fire(r, known, used)) {
            all.push([...f.records]);
            for (const i of f.records) used.add(i);
          }
        }
        const flat = all.flat();
        expect(new Set(flat).size).toBe(flat.length);
        const m = r.measure;
        for (const set of all) {
          const times = set.map((i) => records[i]!.time);
          expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(r.withinDays * DAY);
          const sum = set.reduce((s, i) => s + (m.kind === 'count' ? 1 : (m.deductions[records[i]!.code] ?? 0)), 0);
          if (m.kind === 'count') expect(sum).toBe(m.atLeast);
          else expect(m.start - sum).toBeLessThan(m.below);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fires the default rule on two no-shows within 12 months, not on two a year and a day apart', () => {
    const noShow = DEFAULT_RULES[0]!;
    const at = (index: number, day: number): RuleRecord => ({ index, time: T0 + day * DAY, code: 'no-show' });
    expect(fire(noShow, [at(7, 0), at(9, 365)], new Set())).toEqual([{ ruleId: 'NO_SHOW_TWICE', records: [7, 9] }]);
    expect(fire(noShow, [at(7, 0), at(9, 366)], new Set())).toEqual([]);
    expect(fire(noShow, [at(7, 0), at(9, 10)], new Set([7]))).toEqual([]);
    expect(consequenceId('NO_SHOW_TWICE', 'E1', [9, 7])).toBe(consequenceId('NO_SHOW_TWICE', 'E1', [7, 9]));
    expect(consequenceId('NO_SHOW_TWICE', 'E1', [9, 7])).not.toBe(consequenceId('NO_SHOW_TWICE', 'E2', [7, 9]));
  });

  it('reads record entries as codes', () => {
    expect(codeOf('record.no-show', {})).toBe('no-show');
    expect(codeOf('record.call', { outcome: 'declined' })).toBe('decline');
    expect(codeOf('record.call', { outcome: 'timeout' })).toBe('timeout');
    expect(codeOf('record.call', { outcome: 'accepted' })).toBeNull();
    expect(codeOf('record.checkin', { outcome: 'late' })).toBe('late');
    expect(codeOf('record.checkin', { outcome: 'on-time' })).toBeNull();
    expect(codeOf('record.entered', { code: 'LEFT_EARLY' })).toBe('LEFT_EARLY');
    expect(codeOf('record.entered', { code: null })).toBeNull();
  });

  it('suspends for whole months, the last day the day before', () => {
    expect(suspensionLastDay('2026-12-05', 6)).toBe('2027-06-04');
    expect(suspensionLastDay('2026-08-31', 6)).toBe('2027-02-27');
    expect(suspensionLastDay('2026-01-01', 12)).toBe('2026-12-31');
  });

  it('excludes the expert on exactly the days some consequence covers, as consequences fire, expire and are annulled on random days', () => {
    type Fired = { day: number; kind: 'suspend' | 'blacklist' | 'review'; months: number; annulAfter: number | null };
    const fired = fc.array(
      fc.record({
        day: fc.integer({ min: 0, max: 500 }),
        kind: fc.constantFrom('suspend', 'suspend', 'suspend', 'blacklist', 'review'),
        months: fc.integer({ min: 1, max: 8 }),
        // An objection upheld this many days after it fired (null: never).
        annulAfter: fc.option(fc.integer({ min: 0, max: 200 }), { freq: 2 }),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(fired, (list: Fired[]) => {
        const date = (day: number) => addDays('2026-01-01', day);
        let status: StatusState = { status: 'active', suspendedUntil: null };
        /** The status the rules last set. */
        let owned: StatusState | null = null;
        const inForce: Array<{ f: Fired; imposes: StatusState | null }> = [];
        const end = (i: number, today: string) => {
          inForce.splice(i, 1);
          const next = afterLift(status, owned, inForce.map((o) => o.imposes).filter((x): x is StatusState => x !== null), today);
          if (next) status = owned = next;
        };
        for (let day = 0; day <= 1000; day++) {
          const today = date(day);
          // The day's pass: lift what ended yesterday, what an objection annulled today, then apply what fires today.
          for (let i = 0; i < inForce.length; i++) {
            const c = inForce[i]!;
            if (c.imposes?.status === 'suspended' && c.imposes.suspendedUntil! < today) end(i--, today);
          }
          for (let i = 0; i < inForce.length; i++) if (inForce[i]!.f.annulAfter !== null && inForce[i]!.f.day + inForce[i]!.f.annulAfter! === day) end(i--, today);
          for (const f of list.filter((x) => x.day === day)) {
            const imposes = imposed(f.kind === 'suspend' ? { kind: 'suspend', months: f.months } : { kind: f.kind }, today);
            const set = strengthen(status, imposes);
            if (set) status = owned = set;
            inForce.push({ f, imposes });
            // Annulled the day it fires: it never stood.
            if (f.annulAfter === 0) end(inForce.length - 1, today);
          }
          // By hand: excluded today when a blacklist has fired, or a suspension fired on or before today runs to today,
          // and no objection has annulled it by today.
          const byHandExcluded = list.some(
            (f) =>
              f.day <= day &&
              (f.annulAfter === null || f.day + f.annulAfter > day) &&
              (f.kind === 'blacklist' || (f.kind === 'suspend' && suspensionLastDay(date(f.day), f.months) >= today)),
          );
          const excluded = status.status === 'blacklisted' || (status.status === 'suspended' && (status.suspendedUntil === null || status.suspendedUntil >= today));
          expect(excluded, `day ${day}`).toBe(byHandExcluded);
          // Expiry lifts: a suspension that ended is never the status the next morning.
          if (status.status === 'suspended') expect(status.suspendedUntil! >= today).toBe(true);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('validates the policy section: known codes, unique ids, and no section leaves the policy as it was', () => {
    expect(Policy.parse({}).sanctions).toBeUndefined();
    expect(Policy.safeParse({ sanctions: { rules: [{ ...DEFAULT_RULES[0], measure: { kind: 'count', codes: ['SLEPT'], atLeast: 1 } }] } }).success).toBe(false);
    expect(Policy.safeParse({ sanctions: { rules: [DEFAULT_RULES[0], DEFAULT_RULES[0]] } }).success).toBe(false);
    expect(Policy.safeParse({ records: { conduct: [{ code: 'SLEPT', zh: '睡觉', en: 'Slept' }] }, sanctions: { rules: [{ ...DEFAULT_RULES[0], measure: { kind: 'count', codes: ['SLEPT'], atLeast: 1 } }] } }).success).toBe(true);
    expect(Policy.parse({ sanctions: {} }).sanctions!.rules.map((r) => r.id)).toEqual(['NO_SHOW_TWICE', 'SERIOUS_MISCONDUCT', 'LOW_ANNUAL_SCORE']);
  });
});

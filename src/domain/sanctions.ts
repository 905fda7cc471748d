// Sanction rules applied to an expert's records (docs/records.md "Rules and consequences"). Pure: no I/O, no clock.
// The rules service feeds it the records attributable to one expert (disclosed draws only) and the records earlier
// consequences already used; it answers which new sets of records trigger which rule, and what each consequence does.
import { createHash } from 'node:crypto';
import type { RuleConsequence, SanctionRule } from './policy.js';

const DAY_MS = 86_400_000;

/** One record as the rules read it: its log index (its identity), when it was logged, and its code. */
export interface RuleRecord {
  readonly index: number;
  /** Log time, ms since the epoch. */
  readonly time: number;
  /** no-show, timeout, decline, late, refused, or a conduct code. */
  readonly code: string;
}

/** A rule fired by a set of records (log indexes, in time order). */
export interface Firing {
  readonly ruleId: string;
  readonly records: readonly number[];
}

/** The code a record entry counts as for the rules, or null when it counts as nothing (accepted calls, on-time check-ins). */
export function codeOf(type: string, payload: { outcome?: unknown; code?: unknown }): string | null {
  if (type === 'record.no-show') return 'no-show';
  if (type === 'record.call') return payload.outcome === 'declined' ? 'decline' : payload.outcome === 'timeout' ? 'timeout' : null;
  if (type === 'record.checkin') return payload.outcome === 'late' || payload.outcome === 'refused' ? (payload.outcome as string) : null;
  if (type === 'record.entered') return typeof payload.code === 'string' ? payload.code : null;
  return null;
}

/** Each code's weight under the rule (0: not counted), and the weight that fires it. */
function weighing(rule: SanctionRule): { weight: (code: string) => number; threshold: number } {
  const m = rule.measure;
  if (m.kind === 'count') {
    const codes = new Set(m.codes);
    return { weight: (c) => (codes.has(c) ? 1 : 0), threshold: m.atLeast };
  }
  // A score below the line: deductions sum to more than start - below.
  return { weight: (c) => m.deductions[c] ?? 0, threshold: m.start - m.below + 1 };
}

const byTime = (a: RuleRecord, b: RuleRecord) => a.time - b.time || a.index - b.index;

/**
 * The new firings of one rule. Records are read in time order, skipping those `used` by earlier firings of this rule;
 * those counted lie at most `withinDays` apart. When their weight reaches the rule's, the rule fires with them, and they
 * are used: each record triggers each rule at most once.
 */
export function fire(rule: SanctionRule, records: readonly RuleRecord[], used: ReadonlySet<number>): Firing[] {
  const { weight, threshold } = weighing(rule);
  const windowMs = rule.withinDays * DAY_MS;
  const out: Firing[] = [];
  let window: RuleRecord[] = [];
  let sum = 0;
  for (const r of records.filter((x) => !used.has(x.index) && weight(x.code) > 0).sort(byTime)) {
    window.push(r);
    sum += weight(r.code);
    // Drop those too long before this one.
    while (r.time - window[0]!.time > windowMs) sum -= weight(window.shift()!.code);
    if (sum >= threshold) {
      out.push({ ruleId: rule.id, records: window.map((x) => x.index) });
      window = [];
      sum = 0;
    }
  }
  return out;
}

/** A consequence's stable id: the same rule, expert and records give the same id (so it is applied once). */
export function consequenceId(ruleId: string, expertId: string, records: readonly number[]): string {
  const sorted = [...records].sort((a, b) => a - b).join(',');
  return `C-${createHash('sha256').update(`${ruleId}\n${expertId}\n${sorted}`).digest('hex').slice(0, 32)}`;
}

/** The ISO date `days` after `date`. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The last day of a suspension of `months` starting on `from`: the day before the same day `months` later (clamped to month end). */
export function suspensionLastDay(from: string, months: number): string {
  const [y, m, d] = from.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastOfMonth = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  const same = `${target.getUTCFullYear().toString().padStart(4, '0')}-${String(target.getUTCMonth() + 1).padStart(2, '0')}-${String(Math.min(d, lastOfMonth)).padStart(2, '0')}`;
  return addDays(same, -1);
}

/** What a status a pool holds looks like to the rules. */
export interface StatusState {
  readonly status: string;
  readonly suspendedUntil: string | null;
}

/** The status a consequence imposes, from `from` (the day it fires). Review imposes none. */
export function imposed(consequence: RuleConsequence, from: string): StatusState | null {
  if (consequence.kind === 'suspend') return { status: 'suspended', suspendedUntil: suspensionLastDay(from, consequence.months) };
  if (consequence.kind === 'blacklist') return { status: 'blacklisted', suspendedUntil: null };
  return null;
}

/** Rank of a status for the rules: a stronger one is never weakened by a rule (null: a status rules do not touch). */
function strength(s: StatusState): number | null {
  if (s.status === 'active') return 0;
  if (s.status === 'suspended') return s.suspendedUntil === null ? 2 : 1;
  if (s.status === 'blacklisted') return 3;
  return null;
}

/**
 * The status to set when a consequence imposing `want` fires on an expert now at `current`, or null to leave it: never
 * weaker than what the expert has (an open-ended or longer suspension, a blacklist), and never on a status the rules do
 * not manage (retired, or any state of admission and exit).
 */
export function strengthen(current: StatusState, want: StatusState | null): StatusState | null {
  if (want === null) return null;
  const c = strength(current);
  const w = strength(want)!;
  if (c === null || c > w) return null;
  if (c === w && (w !== 1 || current.suspendedUntil! >= want.suspendedUntil!)) return null;
  return want;
}

/** The stronger of two statuses the rules manage (the first when they are as strong). */
export function strongest(a: StatusState, b: StatusState): StatusState {
  return strengthen(a, b) ?? a;
}

/**
 * Whether setting `next` by hand would weaken a sanction imposing `held`: anything but a status at least as strong (a
 * blacklist over a suspension, a suspension to the same day or later, or open-ended). Retirement is weaker than any:
 * an exit keeps a blacklist (POST /v1/experts/{id}/exit), a status change to retired would not.
 */
export function weakens(held: StatusState, next: StatusState): boolean {
  const h = strength(held)!;
  const n = strength(next);
  if (n === null || n < h) return true;
  return n === 1 && h === 1 && next.suspendedUntil! < held.suspendedUntil!;
}

/**
 * The status an expert returns to when consequences end, given those still in force (what each imposes) on `today`:
 * the strongest of them still running, or active. Only where the status is still the one the rules last set (`owned`);
 * null: leave it (somebody changed it since, or it stays as it is).
 */
export function afterLift(current: StatusState, owned: StatusState | null, remaining: readonly StatusState[], today: string): StatusState | null {
  if (owned === null || current.status !== owned.status || current.suspendedUntil !== owned.suspendedUntil) return null;
  let best: StatusState = { status: 'active', suspendedUntil: null };
  for (const o of remaining) {
    if (o.status === 'suspended' && o.suspendedUntil !== null && o.suspendedUntil < today) continue;
    if (strengthen(best, o) !== null) best = o;
  }
  return best.status === current.status && best.suspendedUntil === current.suspendedUntil ? null : best;
}

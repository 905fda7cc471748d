// Performance records derived from a roster's transitions (docs/records.md): what each call, check-in and no-show says
// about the expert who held it. Pure: the service turns these facts into `record.*` log entries in the same commit as
// the transition, naming the expert only by a per-draw keyed hash.
import { wallClock } from '../domain/wall-clock.js';
import { seats, type Call, type Transition } from './roster.js';

/**
 * `undelivered`: the call's message never reached the expert; `busy`: the expert accepted but was seated elsewhere that
 * day. Both are recorded, and counted against nobody.
 */
export const CALL_OUTCOMES = ['accepted', 'declined', 'timeout', 'undelivered', 'busy'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];
const UNCOUNTED: ReadonlySet<string> = new Set<CallOutcome>(['undelivered', 'busy']);
/** Whether a call's outcome says nothing about the expert (undelivered, busy): no tally, rule or alert counts it. */
export function uncounted(outcome: string): outcome is 'undelivered' | 'busy' {
  return UNCOUNTED.has(outcome);
}
const IS_CALL_OUTCOME: ReadonlySet<string> = new Set(CALL_OUTCOMES);
export const CHECKIN_OUTCOMES = ['on-time', 'late', 'refused'] as const;
export type CheckinOutcome = (typeof CHECKIN_OUTCOMES)[number];
/** What became of the seat when this expert's call ended: the next rank was called, or nobody was left. */
export const REPLACEMENTS = ['promoted', 'unfilled'] as const;
export type Replacement = (typeof REPLACEMENTS)[number];

export type RecordFact =
  | { readonly kind: 'call'; readonly call: Call; readonly outcome: CallOutcome; readonly seconds: number; readonly replaced: Replacement | null }
  | { readonly kind: 'checkin'; readonly call: Call; readonly outcome: CheckinOutcome; readonly at: string; readonly minutesAfterOpening: number; readonly replaced: Replacement | null }
  | { readonly kind: 'no-show'; readonly call: Call; readonly dueAt: string };

export interface RecordRules {
  /** A check-in later than bid opening plus this many minutes is late. */
  readonly lateAfterOpeningMinutes: number;
}

const seconds = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

/** The facts of one transition; `at` is when it happened (a check-in's time is not kept on an accepted call). */
export function factsOf(step: Transition, at: string, bidOpeningAt: string, rules: RecordRules): RecordFact[] {
  const replacedOf = (c: Call): Replacement | null => {
    const p = step.promotions.find((x) => x.from.messageId === c.messageId);
    return p ? (p.to ? 'promoted' : 'unfilled') : null;
  };
  const out: RecordFact[] = [];
  for (const c of step.changed) {
    if (IS_CALL_OUTCOME.has(c.state)) {
      out.push({ kind: 'call', call: c, outcome: c.state as CallOutcome, seconds: seconds(c.calledAt, c.answeredAt ?? at), replaced: replacedOf(c) });
    } else if (c.state === 'checked-in' || c.state === 'refused') {
      // Whole minutes after opening, rounded down: a check-in 30 s after opening is minute 0.
      const minutesAfterOpening = Math.floor((Date.parse(at) - Date.parse(bidOpeningAt)) / 60_000);
      const outcome: CheckinOutcome = c.state === 'refused' ? 'refused' : Date.parse(at) > Date.parse(bidOpeningAt) + rules.lateAfterOpeningMinutes * 60_000 ? 'late' : 'on-time';
      out.push({ kind: 'checkin', call: c, outcome, at, minutesAfterOpening, replaced: replacedOf(c) });
    }
  }
  return out;
}

/** Seats whose expert accepted and never checked in: no-shows, once the roster's no-show time has passed. */
export function noShowCalls(roster: Parameters<typeof seats>[0]): Call[] {
  return seats(roster).filter((c) => c.state === 'accepted');
}

/** When an accepted call not checked in becomes a no-show: minutes after opening, or the end of the opening's day in `timeZone`. */
export function noShowDue(bidOpeningAt: string, noShowAfterMinutes: number | null, timeZone: string): string {
  const opening = Date.parse(bidOpeningAt);
  if (noShowAfterMinutes !== null) return new Date(opening + noShowAfterMinutes * 60_000).toISOString();
  return new Date(nextMidnight(opening, timeZone)).toISOString();
}

/** The first instant of the local day after the one `t` falls on, in `timeZone`. */
function nextMidnight(t: number, timeZone: string): number {
  const wall = (x: number) => wallClock(x, timeZone).asUtc;
  const local = new Date(wall(t));
  const target = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1);
  // The zone's offset at the guess, applied twice: right across a change of offset too.
  let guess = target - (wall(t) - t);
  guess = target - (wall(guess) - guess);
  return guess;
}

/** An automatic record as the log holds it, reduced to what the counts read. */
export type CountedRecord =
  | { readonly kind: 'call'; readonly outcome: CallOutcome; readonly replaced: Replacement | null }
  | { readonly kind: 'checkin'; readonly outcome: CheckinOutcome; readonly replaced: Replacement | null }
  | { readonly kind: 'no-show' };

/** An expert's automatic record in numbers. An uncounted call (undelivered, busy) counts nowhere: it was not theirs. */
export interface Tally {
  /** Calls answered or not: accepted + declined + timedOut. */
  readonly calls: number;
  readonly accepted: number;
  readonly declined: number;
  readonly timedOut: number;
  /** Refused at check-in for a conflict found then. */
  readonly refused: number;
  readonly checkedIn: number;
  /** Of the check-ins, those after the policy's time. */
  readonly late: number;
  readonly noShows: number;
  /** Seats passed on (or left unfilled) because this expert's call ended. */
  readonly replacementsCaused: number;
}

export const EMPTY_TALLY: Tally = { calls: 0, accepted: 0, declined: 0, timedOut: 0, refused: 0, checkedIn: 0, late: 0, noShows: 0, replacementsCaused: 0 };

export function tally(records: Iterable<CountedRecord>): Tally {
  const t = { ...EMPTY_TALLY };
  for (const r of records) {
    if (r.kind === 'no-show') {
      t.noShows++;
      continue;
    }
    if (r.kind === 'call' && uncounted(r.outcome)) continue;
    if (r.replaced !== null) t.replacementsCaused++;
    if (r.kind === 'call') {
      t.calls++;
      if (r.outcome === 'accepted') t.accepted++;
      else if (r.outcome === 'declined') t.declined++;
      else t.timedOut++;
    } else if (r.outcome === 'refused') t.refused++;
    else {
      t.checkedIn++;
      if (r.outcome === 'late') t.late++;
    }
  }
  return t;
}

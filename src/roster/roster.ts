// The roster of a sealed draw: who is called for which seat, and what became of each call. Pure state transitions;
// the service seals the roster at rest and logs each transition by seat and rank only, never by expert.
//
// Each group has `count` seats and one ranking (selected, then ranked alternates, then the same stream extended:
// docs/draw-proof.md §9). A seat's call that is declined, unanswered, never delivered or refused at check-in passes the
// seat to the next unused rank; promotions follow the ranking strictly, so the order of replacements was fixed by the
// seed.

/**
 * `undelivered`: the message of the call could not be delivered (the adapter gave up on it); `busy`: the expert accepted,
 * but holds a seat of another evaluation on the same day. Neither is the expert's fault. `withdrawn`: the project was
 * cancelled after the draw, and the expert told so.
 */
export const CALL_STATES = ['calling', 'accepted', 'declined', 'timeout', 'refused', 'checked-in', 'undelivered', 'busy', 'withdrawn'] as const;
export type CallState = (typeof CALL_STATES)[number];

export interface Call {
  readonly group: number;
  readonly seat: number;
  /** Position in the group's ranking (0-based): < count are the selected, then alternates, then the extension. */
  readonly rank: number;
  readonly expertId: string;
  readonly state: CallState;
  readonly messageId: string;
  readonly calledAt: string;
  /** Answer before this (the policy's response deadline, at the latest bid opening). */
  readonly deadline: string;
  readonly answeredAt: string | null;
  /** For `refused`: the exclusion codes found at check-in. */
  readonly codes?: readonly string[];
}

export interface RosterGroup {
  readonly specialty: string;
  readonly count: number;
  /** Experts in ranked order. */
  readonly ranking: readonly string[];
  /** Next unused position of the ranking. */
  readonly next: number;
}

export interface Roster {
  readonly drawId: string;
  readonly projectId: string;
  readonly groups: readonly RosterGroup[];
  /** Every call ever placed, in order; a seat's current call is its last one. */
  readonly calls: readonly Call[];
}

/** A call to place: the service gives it a message id and deadline. */
export interface NewCall {
  readonly group: number;
  readonly seat: number;
  readonly rank: number;
  readonly expertId: string;
}

/**
 * Why a ranked expert cannot take a seat any more (the exclusion codes a check-in would refuse them for: a bidder
 * recorded after the draw, a status or unavailability changed since); empty when they may be called.
 */
export type PassOver = (expertId: string) => readonly string[];

/** A rank a seat went past without a call, and why. */
export interface PassedOver {
  readonly rank: number;
  readonly codes: readonly string[];
}

export interface Promotion {
  /** The call the seat passes from. */
  readonly from: Call;
  /** The new call to place; null: the ranking ran out. */
  readonly to: NewCall | null;
  /** Ranks passed over on the way, in order (none when the next rank could be called). */
  readonly passed: readonly PassedOver[];
}

export interface Transition {
  readonly roster: Roster;
  /** Calls whose state changed, as they are now. */
  readonly changed: readonly Call[];
  /** Seats passed on down the ranking. */
  readonly promotions: readonly Promotion[];
}

const CALL_ANYONE: PassOver = () => [];

const ENDED: ReadonlySet<CallState> = new Set(['declined', 'timeout', 'refused', 'undelivered', 'busy', 'withdrawn']);

/** The roster right after a draw: one seat per selected expert, each to be called. */
export function initialRoster(drawId: string, projectId: string, groups: ReadonlyArray<{ specialty: string; count: number; ranking: readonly string[] }>): { roster: Roster; calls: NewCall[] } {
  const calls: NewCall[] = [];
  groups.forEach((g, group) => {
    for (let seat = 0; seat < g.count; seat++) calls.push({ group, seat, rank: seat, expertId: g.ranking[seat]! });
  });
  return { roster: { drawId, projectId, groups: groups.map((g) => ({ ...g, next: g.count })), calls: [] }, calls };
}

/** Records calls as placed. */
export function placed(roster: Roster, calls: readonly Call[]): Roster {
  return { ...roster, calls: [...roster.calls, ...calls] };
}

/** The call a seat holds now. */
export function currentCall(roster: Roster, group: number, seat: number): Call | undefined {
  for (let i = roster.calls.length - 1; i >= 0; i--) {
    const c = roster.calls[i]!;
    if (c.group === group && c.seat === seat) return c;
  }
  return undefined;
}

/** Current calls of every seat. */
export function seats(roster: Roster): Call[] {
  const out: Call[] = [];
  roster.groups.forEach((g, group) => {
    for (let seat = 0; seat < g.count; seat++) {
      const c = currentCall(roster, group, seat);
      if (c) out.push(c);
    }
  });
  return out;
}

/** How one group's seats stand: counts only, never who. */
export interface GroupProgress {
  readonly group: number;
  readonly specialty: string;
  readonly seats: number;
  /** Seats whose current call is in each state (a seat passed on shows its new call). */
  readonly current: Readonly<Record<CallState, number>>;
  /** Seats with no open or accepted call: their ranking ran out (or their first call is not placed yet). */
  readonly vacant: number;
  /** Every call of the group so far that ended so: declines, time-outs and check-in refusals, also those since replaced. */
  readonly declined: number;
  readonly timedOut: number;
  readonly refused: number;
  /** Calls of the group whose message could not be delivered, also those since replaced. */
  readonly undelivered: number;
  /** Calls of the group accepted by an expert already seated elsewhere that day, passed on. */
  readonly busy: number;
}

/** Per group, where its seats stand and how many calls ended without an expert. */
export function progress(roster: Roster): GroupProgress[] {
  return roster.groups.map((g, group) => {
    const current = Object.fromEntries(CALL_STATES.map((s) => [s, 0])) as Record<CallState, number>;
    let vacant = 0;
    for (let seat = 0; seat < g.count; seat++) {
      const c = currentCall(roster, group, seat);
      if (c) current[c.state]++;
      if (!c || ENDED.has(c.state)) vacant++;
    }
    const ended = { declined: 0, timeout: 0, refused: 0, undelivered: 0, busy: 0 };
    for (const c of roster.calls) if (c.group === group && c.state in ended) ended[c.state as keyof typeof ended]++;
    return { group, specialty: g.specialty, seats: g.count, current, vacant, declined: ended.declined, timedOut: ended.timeout, refused: ended.refused, undelivered: ended.undelivered, busy: ended.busy };
  });
}

/**
 * Progress as a remote site is shown it: a call passed on because its expert holds a seat of another evaluation that
 * day counts as declined. The site knows its experts by name (its results are sealed to it); which of them sit on
 * other panels that day is not its to learn.
 */
export function progressForSite(groups: readonly GroupProgress[]): GroupProgress[] {
  return groups.map((g) => ({ ...g, current: { ...g.current, declined: g.current.declined + g.current.busy, busy: 0 }, declined: g.declined + g.busy, busy: 0 }));
}

/** Seats by the state of their current call, over every group. */
export function seatsByState(groups: readonly GroupProgress[]): Record<CallState, number> {
  const out = Object.fromEntries(CALL_STATES.map((s) => [s, 0])) as Record<CallState, number>;
  for (const g of groups) for (const s of CALL_STATES) out[s] += g.current[s];
  return out;
}

function replace(roster: Roster, call: Call, next: Call): Roster {
  const i = roster.calls.lastIndexOf(call);
  return { ...roster, calls: [...roster.calls.slice(0, i), next, ...roster.calls.slice(i + 1)] };
}

/**
 * Passes a seat to the next unused rank of its group that may still be called (null when the ranking is used up).
 * A rank whose expert would be refused at check-in is used up without a call: the ranking stays strict, and each rank
 * passed over is said, with its codes.
 */
function promote(roster: Roster, from: Call, passOver: PassOver): { roster: Roster; promotion: Promotion } {
  const g = roster.groups[from.group]!;
  const passed: PassedOver[] = [];
  let next = g.next;
  let to: NewCall | null = null;
  for (; next < g.ranking.length && to === null; next++) {
    const expertId = g.ranking[next]!;
    const codes = passOver(expertId);
    if (codes.length > 0) passed.push({ rank: next, codes });
    else to = { group: from.group, seat: from.seat, rank: next, expertId };
  }
  const groups = roster.groups.map((x, i) => (i === from.group ? { ...x, next } : x));
  return { roster: next === g.next ? roster : { ...roster, groups }, promotion: { from, to, passed } };
}

function end(roster: Roster, call: Call, state: CallState, at: string, passOver: PassOver, codes?: readonly string[]): Transition {
  const ended: Call = { ...call, state, answeredAt: at, ...(codes ? { codes } : {}) };
  const after = replace(roster, call, ended);
  const { roster: promoted, promotion } = promote(after, ended, passOver);
  return { roster: promoted, changed: [ended], promotions: [promotion] };
}

/**
 * An expert's answer to a call. A decline passes the seat on, and so does an acceptance by an expert who is `busy`
 * (seated elsewhere that day); answering a call that is no longer open is refused.
 */
export function answer(roster: Roster, messageId: string, accept: boolean, at: string, busy = false, passOver: PassOver = CALL_ANYONE): Transition {
  const call = roster.calls.find((c) => c.messageId === messageId);
  if (!call) throw new RosterError('UNKNOWN_CALL', 'no such call in this roster');
  if (call.state !== 'calling' || currentCall(roster, call.group, call.seat) !== call) throw new RosterError('CALL_CLOSED', `the call is ${call.state}`);
  if (accept && busy) return end(roster, call, 'busy', at, passOver);
  if (accept) {
    const accepted: Call = { ...call, state: 'accepted', answeredAt: at };
    return { roster: replace(roster, call, accepted), changed: [accepted], promotions: [] };
  }
  return end(roster, call, 'declined', at, passOver);
}

/**
 * Every open call past its deadline times out, and every open call whose message was given up (`undelivered`: their
 * message ids) ends so at once; a call whose message is still unsent at its deadline (`unsent`: being retried, or not
 * tried yet) ends as undelivered too, never as a timeout. Each seat passes to the next rank.
 */
export function expire(roster: Roster, nowIso: string, undelivered: ReadonlySet<string> = new Set(), unsent: ReadonlySet<string> = new Set(), passOver: PassOver = CALL_ANYONE): Transition {
  let r = roster;
  const changed: Call[] = [];
  const promotions: Promotion[] = [];
  for (const call of seats(roster)) {
    if (call.state !== 'calling') continue;
    const state = undelivered.has(call.messageId) ? 'undelivered' : call.deadline > nowIso ? null : unsent.has(call.messageId) ? 'undelivered' : 'timeout';
    if (state === null) continue;
    const t = end(r, call, state, nowIso, passOver);
    r = t.roster;
    changed.push(...t.changed);
    promotions.push(...t.promotions);
  }
  return { roster: r, changed, promotions };
}

/** The project was cancelled: every seat still calling or accepted ends as withdrawn, and nobody is called after them. */
export function withdraw(roster: Roster): { roster: Roster; withdrawn: Call[] } {
  let r = roster;
  const withdrawn: Call[] = [];
  for (const call of seats(roster)) {
    if (call.state !== 'calling' && call.state !== 'accepted') continue;
    const ended: Call = { ...call, state: 'withdrawn' };
    r = replace(r, call, ended);
    withdrawn.push(ended);
  }
  return { roster: r, withdrawn };
}

/** The seat an expert holds now (calling or accepted, or already checked in), if any. */
export function seatOf(roster: Roster, expertId: string): Call | undefined {
  return seats(roster).find((c) => c.expertId === expertId && (c.state === 'calling' || c.state === 'accepted' || c.state === 'checked-in'));
}

/** Check-in at the venue: admitted, or refused for a conflict (codes) and the seat passed on. */
export function checkIn(roster: Roster, call: Call, at: string, conflicts: readonly string[], passOver: PassOver = CALL_ANYONE): Transition {
  if (call.state === 'checked-in') throw new RosterError('ALREADY_CHECKED_IN', 'this expert has already checked in');
  if (conflicts.length > 0) return end(roster, call, 'refused', at, passOver, conflicts);
  const admitted: Call = { ...call, state: 'checked-in', answeredAt: call.answeredAt ?? at };
  return { roster: replace(roster, call, admitted), changed: [admitted], promotions: [] };
}

/**
 * The same transition with nobody called: every seat it passed on stays unfilled and the ranks it would have used (or
 * passed over on the way) stay unused. For a change that comes too late for an answer (a call placed now could not be
 * answered before its deadline).
 */
export function withoutCalls(t: Transition): Transition {
  const used = new Map<number, number>();
  for (const p of t.promotions) used.set(p.from.group, (used.get(p.from.group) ?? 0) + (p.to ? 1 : 0) + p.passed.length);
  if (![...used.values()].some((n) => n > 0)) return t;
  const groups = t.roster.groups.map((g, i) => (used.get(i) ? { ...g, next: g.next - used.get(i)! } : g));
  return { roster: { ...t.roster, groups }, changed: t.changed, promotions: t.promotions.map((p) => ({ from: p.from, to: null, passed: [] })) };
}

/** True while a seat's call has ended and nobody is left to take it. */
export function unfilled(roster: Roster): Call[] {
  return seats(roster).filter((c) => ENDED.has(c.state));
}

export type RosterErrorCode = 'UNKNOWN_CALL' | 'CALL_CLOSED' | 'ALREADY_CHECKED_IN';

export class RosterError extends Error {
  constructor(
    readonly code: RosterErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RosterError';
  }
}

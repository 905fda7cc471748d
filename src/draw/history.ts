// Past selections the frequency caps read. An input to the pure draw, never a database query.
import { z } from 'zod';
import { ExpertId, IsoDateTimeWithOffset, Uscc } from '../domain/primitives.js';

export const HistoryEntry = z
  .object({
    expertId: ExpertId,
    at: IsoDateTimeWithOffset.describe('When the expert was selected'),
    tenderer: Uscc.describe('Tenderer of the project the expert was selected for'),
  })
  .strict();
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export interface PastSelection {
  readonly atMs: number;
  readonly tenderer: string;
}

export interface Selection extends PastSelection {
  readonly expertId: string;
}

/** What resolving experts to pool positions needs from the pool index. */
export interface CountingPool {
  positionOf(id: string): number | undefined;
}

/** Each expert's `atLeast`-th latest selection, kept sorted newest first, for one cap (and one tenderer, if given). */
interface CapIndex {
  readonly atLeast: number;
  readonly tenderer: string | undefined;
  /** expertId → time of their `atLeast`-th latest selection (only experts with that many). */
  readonly kth: Map<string, number>;
  /** The same, as rows sorted by time descending. */
  readonly rows: Array<{ at: number; id: string }>;
}

/**
 * Past selections: per expert (for the reference rules), and each cap's experts at or over it (for the draw). It grows
 * one selection at a time (`add`, as the service learns of new results) and keeps every cap it has answered up to
 * date, so a draw reads only the experts actually at a cap, whatever the size of the history or the pool.
 */
export class HistoryIndex {
  private readonly byExpert = new Map<string, PastSelection[]>();
  /** tenderer → expertId → that tenderer's selections of the expert, in time order. */
  private readonly byTenderer = new Map<string, Map<string, PastSelection[]>>();
  private readonly caps = new Map<string, CapIndex>();
  /** The caps `add` keeps current, by tenderer ('' for the overall caps): an addition touches its tenderer's only. */
  private readonly capsByTenderer = new Map<string, CapIndex[]>();
  private count = 0;
  /** Selections before this time were let go (`prune`): no window reaching further back can be answered. */
  private keptFromMs = Number.NEGATIVE_INFINITY;

  constructor(selections: readonly Selection[] = []) {
    for (const s of [...selections].sort((a, b) => a.atMs - b.atMs)) this.add(s);
  }

  /** Selections held. */
  get size(): number {
    return this.count;
  }

  /** Adds one selection; any time order works (a late one is put in its place). */
  add(s: Selection): void {
    if (FROZEN.has(this)) throw new Error('this history index is shared and cannot grow');
    const past: PastSelection = { atMs: s.atMs, tenderer: s.tenderer };
    const mine = insertInOrder(this.byExpert, s.expertId, past);
    let perTenderer = this.byTenderer.get(s.tenderer);
    if (!perTenderer) this.byTenderer.set(s.tenderer, (perTenderer = new Map()));
    const theirs = insertInOrder(perTenderer, s.expertId, past);
    this.count++;
    for (const cap of this.capsByTenderer.get('') ?? []) update(cap, s.expertId, mine);
    for (const cap of this.capsByTenderer.get(s.tenderer) ?? []) update(cap, s.expertId, theirs);
  }

  /**
   * Takes one selection out again (a draw whose project was cancelled: its experts never sat). Rare, so the caps are
   * simply rebuilt at their next use. Returns whether it was held.
   */
  remove(s: Selection): boolean {
    if (FROZEN.has(this)) throw new Error('this history index is shared and cannot change');
    if (!takeOut(this.byExpert, s)) return false;
    const perTenderer = this.byTenderer.get(s.tenderer);
    if (perTenderer) {
      takeOut(perTenderer, s);
      if (perTenderer.size === 0) this.byTenderer.delete(s.tenderer);
    }
    this.count--;
    this.caps.clear();
    this.capsByTenderer.clear();
    return true;
  }

  get(expertId: string): readonly PastSelection[] | undefined {
    return this.byExpert.get(expertId);
  }

  /** The time from which the history holds every selection it was given (minus infinity until a prune). */
  get keptFrom(): number {
    return this.keptFromMs;
  }

  /**
   * Lets go of every selection made before `beforeMs`, so that a long-running service holds the windows its caps read,
   * not every selection ever made. Any window starting at or after `beforeMs` reads exactly as before: a cap counts
   * only selections inside its window, and an expert's latest ones are the ones kept. A window starting earlier is
   * refused from then on (`capped`, and conflictContext for the per-expert rules). Caps are rebuilt at their next use.
   * Returns how many selections were let go.
   */
  prune(beforeMs: number): number {
    if (FROZEN.has(this)) throw new Error('this history index is shared and cannot change');
    if (!(beforeMs > this.keptFromMs)) return 0;
    let removed = dropBefore(this.byExpert, beforeMs);
    for (const [tenderer, perExpert] of this.byTenderer) {
      dropBefore(perExpert, beforeMs);
      if (perExpert.size === 0) this.byTenderer.delete(tenderer);
    }
    this.keptFromMs = beforeMs;
    this.count -= removed;
    if (removed > 0) {
      this.caps.clear();
      this.capsByTenderer.clear();
    }
    return removed;
  }

  /**
   * Pool positions of the experts with at least `atLeast` selections at or after `sinceMs` (for one tenderer's
   * projects, if given). The cap's index is built on first use and kept current by `add`.
   */
  capped(pool: CountingPool, sinceMs: number, atLeast: number, tenderer?: string): number[] {
    if (sinceMs < this.keptFromMs) throw new HistoryPrunedError(sinceMs, this.keptFromMs);
    const key = tenderer === undefined ? String(atLeast) : `${atLeast}/${tenderer}`;
    let cap = this.caps.get(key);
    if (!cap) {
      cap = { atLeast, tenderer, kth: new Map(), rows: [] };
      const lists = tenderer === undefined ? this.byExpert : (this.byTenderer.get(tenderer) ?? new Map<string, PastSelection[]>());
      for (const [id, list] of lists) {
        // Lists are in time order: the atLeast-th latest is atLeast from the end.
        if (list.length >= atLeast) {
          cap.kth.set(id, list[list.length - atLeast]!.atMs);
          cap.rows.push({ at: list[list.length - atLeast]!.atMs, id });
        }
      }
      cap.rows.sort((a, b) => b.at - a.at || compareIds(a.id, b.id));
      this.caps.set(key, cap);
      const group = tenderer ?? '';
      this.capsByTenderer.set(group, [...(this.capsByTenderer.get(group) ?? []), cap]);
    }
    const out: number[] = [];
    for (const row of cap.rows) {
      if (row.at < sinceMs) break;
      const pos = pool.positionOf(row.id);
      if (pos !== undefined) out.push(pos);
    }
    return out;
  }
}

/** A cap's window reaches before what a pruned history holds: answering would undercount, so nothing is answered. */
export class HistoryPrunedError extends Error {
  constructor(sinceMs: number, keptFromMs: number) {
    super(`the selection history holds selections from ${new Date(keptFromMs).toISOString()} only; a frequency window from ${new Date(sinceMs).toISOString()} cannot be read`);
    this.name = 'HistoryPrunedError';
  }
}

/** Drops each list's selections before `beforeMs` (lists are in time order) and the lists left empty; returns how many. */
function dropBefore(map: Map<string, PastSelection[]>, beforeMs: number): number {
  let removed = 0;
  for (const [id, list] of map) {
    let i = 0;
    while (i < list.length && list[i]!.atMs < beforeMs) i++;
    if (i === 0) continue;
    removed += i;
    if (i === list.length) map.delete(id);
    else list.splice(0, i);
  }
  return removed;
}

/** Removes one selection equal to `s` (time and tenderer) from the expert's list, and the list if left empty. */
function takeOut(map: Map<string, PastSelection[]>, s: Selection): boolean {
  const list = map.get(s.expertId);
  const i = list ? list.findIndex((p) => p.atMs === s.atMs && p.tenderer === s.tenderer) : -1;
  if (i < 0) return false;
  if (list!.length === 1) map.delete(s.expertId);
  else list!.splice(i, 1);
  return true;
}

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Puts a selection in time order into the expert's list (after equal times); returns the list. */
function insertInOrder(map: Map<string, PastSelection[]>, id: string, s: PastSelection): PastSelection[] {
  let list = map.get(id);
  if (!list) {
    // A list of one, allocated at its length: an empty array's first push reserves room for 17, and most lists (one
    // tenderer's selections of one expert) keep a single selection.
    list = [s];
    map.set(id, list);
    return list;
  }
  let i = list.length;
  while (i > 0 && list[i - 1]!.atMs > s.atMs) i--;
  // Selections nearly always arrive in time order: appending is the common case.
  if (i === list.length) list.push(s);
  else list.splice(i, 0, s);
  return list;
}

/** After a selection of `id` was added to `list`, moves the expert's row of the cap to its new time. */
function update(cap: CapIndex, id: string, list: readonly PastSelection[]): void {
  if (list.length < cap.atLeast) return;
  const at = list[list.length - cap.atLeast]!.atMs;
  const old = cap.kth.get(id);
  if (old === at) return;
  if (old !== undefined) cap.rows.splice(findRow(cap.rows, old, id), 1);
  cap.kth.set(id, at);
  cap.rows.splice(insertionPoint(cap.rows, at, id), 0, { at, id });
}

/** First index whose row sorts after (at, id) in the newest-first order. */
function insertionPoint(rows: ReadonlyArray<{ at: number; id: string }>, at: number, id: string): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const r = rows[mid]!;
    if (r.at > at || (r.at === at && compareIds(r.id, id) < 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function findRow(rows: ReadonlyArray<{ at: number; id: string }>, at: number, id: string): number {
  const i = insertionPoint(rows, at, id);
  if (rows[i]?.at !== at || rows[i]?.id !== id) throw new Error(`history cap index is missing ${id}`);
  return i;
}

const FROZEN = new WeakSet<HistoryIndex>();
/** The empty history, shared: it refuses `add`. */
export const EMPTY_HISTORY = new HistoryIndex();
FROZEN.add(EMPTY_HISTORY);

export function indexHistory(entries: Iterable<HistoryEntry>): HistoryIndex {
  return new HistoryIndex([...entries].map((e) => ({ expertId: e.expertId, atMs: Date.parse(e.at), tenderer: e.tenderer })));
}

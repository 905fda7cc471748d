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

/** What counting by position needs from the pool index. */
export interface CountingPool {
  positionOf(id: string): number | undefined;
  readonly counts: Uint16Array;
}

/** Selections per expert (for the reference rules), and all selections by time and per tenderer (for the draw). */
export class HistoryIndex {
  private readonly byExpert = new Map<string, PastSelection[]>();
  private readonly byTime: Selection[];
  private readonly byTenderer = new Map<string, Selection[]>();
  private readonly positions = new WeakMap<CountingPool, Map<readonly Selection[], Int32Array>>();

  constructor(selections: readonly Selection[] = []) {
    this.byTime = [...selections].sort((a, b) => a.atMs - b.atMs);
    for (const s of this.byTime) {
      let mine = this.byExpert.get(s.expertId);
      if (!mine) this.byExpert.set(s.expertId, (mine = []));
      mine.push({ atMs: s.atMs, tenderer: s.tenderer });
      let theirs = this.byTenderer.get(s.tenderer);
      if (!theirs) this.byTenderer.set(s.tenderer, (theirs = []));
      theirs.push(s);
    }
  }

  get(expertId: string): readonly PastSelection[] | undefined {
    return this.byExpert.get(expertId);
  }

  /**
   * Pool positions of the experts with at least `atLeast` selections at or after `sinceMs` (of one tenderer's
   * projects, if given). Cost follows the selections in the window, not the pool: positions are resolved once per
   * pool and counted in the pool's scratch counters, which are zero again on return.
   */
  frequent(pool: CountingPool, sinceMs: number, atLeast: number, tenderer?: string): number[] {
    const list = tenderer === undefined ? this.byTime : (this.byTenderer.get(tenderer) ?? []);
    const positions = this.positionsIn(pool, list);
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.atMs < sinceMs) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    const counts = pool.counts;
    for (let i = lo; i < list.length; i++) {
      const pos = positions[i]!;
      if (pos >= 0 && ++counts[pos]! === atLeast) out.push(pos);
    }
    for (let i = lo; i < list.length; i++) if (positions[i]! >= 0) counts[positions[i]!] = 0;
    return out;
  }

  /** Positions (−1 for experts not in the pool) aligned with a list of selections, once per pool and list. */
  private positionsIn(pool: CountingPool, list: readonly Selection[]): Int32Array {
    let perList = this.positions.get(pool);
    if (!perList) this.positions.set(pool, (perList = new Map()));
    let out = perList.get(list);
    if (!out) {
      out = Int32Array.from(list, (s) => pool.positionOf(s.expertId) ?? -1);
      perList.set(list, out);
    }
    return out;
  }
}

export const EMPTY_HISTORY = new HistoryIndex();

export function indexHistory(entries: Iterable<HistoryEntry>): HistoryIndex {
  return new HistoryIndex([...entries].map((e) => ({ expertId: e.expertId, atMs: Date.parse(e.at), tenderer: e.tenderer })));
}

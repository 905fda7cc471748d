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

/** Selections per expert (for the reference rules), and all selections by time and per tenderer (for the draw). */
export class HistoryIndex {
  private readonly byExpert = new Map<string, PastSelection[]>();
  private readonly byTenderer = new Map<string, Selection[]>();
  private readonly kthLatest = new WeakMap<CountingPool, Map<string, { at: Float64Array; pos: Int32Array }>>();

  constructor(selections: readonly Selection[] = []) {
    for (const s of [...selections].sort((a, b) => a.atMs - b.atMs)) {
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
   * Pool positions of the experts with at least `atLeast` selections at or after `sinceMs` (for one tenderer's
   * projects, if given). Per pool, threshold and tenderer,
   * each expert's `atLeast`-th latest selection is computed once and sorted; a draw then reads only the experts
   * actually at the cap, whatever the size of the history or the pool.
   */
  capped(pool: CountingPool, sinceMs: number, atLeast: number, tenderer?: string): number[] {
    let perPool = this.kthLatest.get(pool);
    if (!perPool) this.kthLatest.set(pool, (perPool = new Map()));
    const key = tenderer === undefined ? String(atLeast) : `${atLeast}/${tenderer}`;
    let sorted = perPool.get(key);
    if (!sorted) {
      const rows: Array<{ at: number; pos: number }> = [];
      for (const [id, list] of tenderer === undefined ? this.byExpert : this.tendererByExpert(tenderer)) {
        const pos = pool.positionOf(id);
        // Lists are in time order: the atLeast-th latest is atLeast from the end.
        if (pos !== undefined && list.length >= atLeast) rows.push({ at: list[list.length - atLeast]!.atMs, pos });
      }
      rows.sort((a, b) => b.at - a.at);
      sorted = { at: Float64Array.from(rows, (r) => r.at), pos: Int32Array.from(rows, (r) => r.pos) };
      perPool.set(key, sorted);
    }
    const out: number[] = [];
    for (let i = 0; i < sorted.at.length && sorted.at[i]! >= sinceMs; i++) out.push(sorted.pos[i]!);
    return out;
  }

  /** One tenderer's selections per expert, in time order. */
  private tendererByExpert(tenderer: string): Map<string, PastSelection[]> {
    const out = new Map<string, PastSelection[]>();
    for (const s of this.byTenderer.get(tenderer) ?? []) {
      let list = out.get(s.expertId);
      if (!list) out.set(s.expertId, (list = []));
      list.push(s);
    }
    return out;
  }
}

export const EMPTY_HISTORY = new HistoryIndex();

export function indexHistory(entries: Iterable<HistoryEntry>): HistoryIndex {
  return new HistoryIndex([...entries].map((e) => ({ expertId: e.expertId, atMs: Date.parse(e.at), tenderer: e.tenderer })));
}

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

/** Selections per expert id. */
export type HistoryIndex = ReadonlyMap<string, readonly PastSelection[]>;

export const EMPTY_HISTORY: HistoryIndex = new Map();

export function indexHistory(entries: Iterable<HistoryEntry>): HistoryIndex {
  const byExpert = new Map<string, PastSelection[]>();
  for (const e of entries) {
    let list = byExpert.get(e.expertId);
    if (!list) byExpert.set(e.expertId, (list = []));
    list.push({ atMs: Date.parse(e.at), tenderer: e.tenderer });
  }
  return byExpert;
}

// The history index grows one selection at a time as the service learns of results: whatever the order of the
// additions, and whichever caps were already asked, it answers exactly as an index built from all selections at once,
// which candidates.test.ts checks against the reference rules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_HISTORY, HistoryIndex, HistoryPrunedError, type Selection } from '../../src/draw/history.js';

const EXPERTS = ['E01', 'E02', 'E03', 'E04', 'E05', 'E06'];
const TENDERERS = ['T1', 'T2', 'T3'];
const DAY = 86_400_000;
const pool = { positionOf: (id: string) => (id === 'E06' ? undefined : EXPERTS.indexOf(id)) };

const selection = fc.record({
  expertId: fc.constantFrom(...EXPERTS),
  tenderer: fc.constantFrom(...TENDERERS),
  // Whole days, so that equal times (ties) occur often.
  atMs: fc.integer({ min: 0, max: 20 }).map((d) => d * DAY),
});
const query = fc.record({ sinceMs: fc.integer({ min: 0, max: 21 }).map((d) => d * DAY), atLeast: fc.integer({ min: 1, max: 4 }), tenderer: fc.option(fc.constantFrom(...TENDERERS), { nil: undefined }) });

const answer = (h: HistoryIndex, q: { sinceMs: number; atLeast: number; tenderer: string | undefined }) => h.capped(pool, q.sinceMs, q.atLeast, q.tenderer).sort((a, b) => a - b);

describe('HistoryIndex.add', () => {
  it('answers every cap as an index built at once, whatever the order of additions and the caps asked before', () => {
    fc.assert(
      fc.property(fc.array(selection, { maxLength: 60 }), fc.array(selection, { maxLength: 60 }), fc.array(query, { minLength: 1, maxLength: 8 }), (first, later, queries) => {
        const whole = new HistoryIndex([...first, ...later]);
        const grown = new HistoryIndex(first);
        // Caps asked before the additions are kept current by them; the others are built afterwards.
        for (const q of queries.slice(0, queries.length >> 1)) answer(grown, q);
        for (const s of later) grown.add(s);
        expect(grown.size).toBe(first.length + later.length);
        for (const q of queries) expect(answer(grown, q), JSON.stringify(q)).toEqual(answer(whole, q));
        for (const id of EXPERTS) expect(grown.get(id)?.map((p) => p.atMs)).toEqual(whole.get(id)?.map((p) => p.atMs));
      }),
      { numRuns: 500 },
    );
  });

  it('counts selections at or after the window start, skips experts not in the pool, and refuses to grow the shared empty index', () => {
    const at = (d: number, expertId: string, tenderer = 'T1'): Selection => ({ expertId, tenderer, atMs: d * DAY });
    const h = new HistoryIndex([at(1, 'E01'), at(5, 'E01'), at(5, 'E02'), at(9, 'E06'), at(9, 'E06')]);
    expect(answer(h, { sinceMs: 1 * DAY, atLeast: 2, tenderer: undefined })).toEqual([0]);
    expect(answer(h, { sinceMs: 2 * DAY, atLeast: 2, tenderer: undefined })).toEqual([]);
    h.add(at(6, 'E02', 'T2'));
    expect(answer(h, { sinceMs: 5 * DAY, atLeast: 2, tenderer: undefined })).toEqual([1]);
    expect(answer(h, { sinceMs: 0, atLeast: 2, tenderer: 'T2' })).toEqual([]);
    expect(() => EMPTY_HISTORY.add(at(1, 'E01'))).toThrow(/shared/);
  });
});

describe('HistoryIndex.prune', () => {
  const inWindow = (s: Selection, fromMs: number) => s.atMs >= fromMs;

  it('answers every window from the horizon on as the whole history does, and refuses windows before it', () => {
    fc.assert(
      fc.property(
        fc.array(selection, { maxLength: 80 }),
        fc.array(selection, { maxLength: 30 }),
        fc.integer({ min: 0, max: 21 }).map((d) => d * DAY),
        fc.array(query, { minLength: 1, maxLength: 8 }),
        (before, after, horizon, queries) => {
          const whole = new HistoryIndex([...before, ...after]);
          const pruned = new HistoryIndex(before);
          // Caps asked before the prune are rebuilt after it, then kept current by later additions.
          for (const q of queries.slice(0, queries.length >> 1)) if (q.sinceMs >= 0) answer(pruned, q);
          const letGo = pruned.prune(horizon);
          expect(letGo).toBe(before.filter((s) => !inWindow(s, horizon)).length);
          for (const s of after) pruned.add(s);
          expect(pruned.size).toBe(before.length + after.length - letGo);
          expect(pruned.keptFrom).toBe(horizon);
          for (const q of queries) {
            if (q.sinceMs >= horizon) expect(answer(pruned, q), JSON.stringify(q)).toEqual(answer(whole, q));
            else expect(() => answer(pruned, q), JSON.stringify(q)).toThrow(HistoryPrunedError);
          }
          // Each expert's list keeps exactly the selections inside what is kept, in the same order.
          for (const id of EXPERTS) {
            const kept = pruned.get(id)?.filter((p) => p.atMs >= horizon) ?? [];
            expect(kept.map((p) => p.atMs), id).toEqual((whole.get(id) ?? []).filter((p) => p.atMs >= horizon).map((p) => p.atMs));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never moves its horizon back, and refuses to change the shared empty index', () => {
    const h = new HistoryIndex([
      { expertId: 'E01', tenderer: 'T1', atMs: 1 * DAY },
      { expertId: 'E01', tenderer: 'T1', atMs: 5 * DAY },
    ]);
    expect(h.prune(3 * DAY)).toBe(1);
    expect(h.prune(2 * DAY)).toBe(0);
    expect(h.keptFrom).toBe(3 * DAY);
    expect(h.get('E01')?.map((p) => p.atMs)).toEqual([5 * DAY]);
    expect(h.prune(6 * DAY)).toBe(1);
    expect(h.get('E01')).toBeUndefined();
    expect(h.size).toBe(0);
    expect(() => EMPTY_HISTORY.prune(0)).toThrow(/shared/);
  });
});

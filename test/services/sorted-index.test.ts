// The listings' sorted index against a sorted array as the oracle: adds, moves and removals, one by one and in bulk
// (past the re-sort threshold), then pages of every size with time ranges and filters, followed to the end.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedIndex, type SortKey } from '../../src/services/sorted-index.js';

type Change = { id: string; item: { at: string; value: number } | null };
const time = (minute: number) => new Date(Date.UTC(2026, 11, 1, 0, minute)).toISOString();
const change = fc.record({ id: fc.integer({ min: 0, max: 60 }).map((n) => `P-${n}`), minute: fc.integer({ min: 0, max: 20 }), remove: fc.boolean() }).map(
  ({ id, minute, remove }): Change => ({ id, item: remove ? null : { at: time(minute), value: minute } }),
);

function oracle(changes: readonly Change[]): Array<SortKey & { value: number }> {
  const byId = new Map<string, SortKey & { value: number }>();
  for (const c of changes) {
    if (c.item === null) byId.delete(c.id);
    else byId.set(c.id, { id: c.id, ...c.item });
  }
  return [...byId.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

describe('SortedIndex', () => {
  it('pages exactly what a sorted array holds, after any changes, in batches of any size', () => {
    fc.assert(
      fc.property(fc.array(fc.array(change, { maxLength: 300 }), { maxLength: 6 }), fc.integer({ min: 1, max: 25 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 21 }), (batches, limit, from, to) => {
        const index = new SortedIndex<number>();
        for (const b of batches) index.apply(b);
        const expected = oracle(batches.flat()).filter((x) => x.at >= time(from) && x.at < time(to) && x.value % 3 !== 1);
        const got: string[] = [];
        let after: SortKey | null = null;
        for (;;) {
          const page = index.page({ after, from: time(from), to: time(to), limit, match: (v) => v % 3 !== 1 });
          got.push(...page.items.map(String));
          if (page.next === null) break;
          after = page.next;
        }
        expect(index.size).toBe(oracle(batches.flat()).length);
        expect(got).toEqual(expected.map((x) => String(x.value)));
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it('gives the last item’s key as next only when another item matches after it', () => {
    const index = new SortedIndex<string>();
    index.apply([0, 1, 2].map((m) => ({ id: `P-${m}`, item: { at: time(m), value: `P-${m}` } })));
    expect(index.page({ after: null, limit: 2, match: () => true })).toEqual({ items: ['P-0', 'P-1'], next: { at: time(1), id: 'P-1' } });
    expect(index.page({ after: null, limit: 3, match: () => true }).next).toBeNull();
    expect(index.page({ after: null, limit: 2, match: (v) => v !== 'P-2' }).next).toBeNull();
  });
});

// Expert search on the pool index against a plain filter over the experts as an oracle: every filter alone and
// together, paged to the end with `after`, on a generated pool of 2,000 (statuses, zipf-distributed employers,
// regions, specialties at every level).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expert } from '../../src/domain/expert.js';
import { specialtyMatches } from '../../src/domain/specialty.js';
import { PoolIndex } from '../../src/draw/pool-index.js';
import { generatePool } from '../../src/pool/generator.js';
import { searchPool, type PoolQuery } from '../../src/pool/search.js';

const { experts, organisations } = generatePool({ size: 2000, seed: 'search' });
const index = new PoolIndex(experts, 1);
const sorted = [...experts].sort((a, b) => (a.id < b.id ? -1 : 1));

function oracle(q: Omit<PoolQuery, 'after' | 'limit'>): string[] {
  const keep = (e: Expert) =>
    (q.specialty === undefined || e.specialties.some((s) => specialtyMatches(q.specialty!, s))) &&
    (q.status === undefined || e.status === q.status) &&
    (q.employer === undefined || e.employer === q.employer) &&
    (q.region === undefined || e.region.startsWith(q.region));
  return sorted.filter(keep).map((e) => e.id);
}

/** Every page from the start, following `next`. */
function allPages(q: Omit<PoolQuery, 'after' | 'limit'>, limit: number): string[] {
  const out: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = searchPool(index, { ...q, after, limit });
    expect(page.ids.length).toBeLessThanOrEqual(limit);
    out.push(...page.ids);
    if (page.next === null) return out;
    expect(page.next).toBe(page.ids.at(-1));
    after = page.next;
  }
}

const specialtyOf = (e: Expert, level: number) => e.specialties[0]!.slice(0, 1 + 2 * level);

describe('searchPool', () => {
  it('matches the plain filter for each filter alone and for all of them together, page by page', () => {
    const e = experts[17]!;
    const queries: Array<Omit<PoolQuery, 'after' | 'limit'>> = [
      {},
      { specialty: 'A' },
      { specialty: specialtyOf(e, 1) },
      { specialty: e.specialties[0]! },
      { status: 'suspended' },
      { status: 'active' },
      { employer: organisations[0]! },
      { region: e.region.slice(0, 2) },
      { region: e.region.slice(0, 4) },
      { region: e.region },
      { specialty: specialtyOf(e, 1), status: e.status, employer: e.employer, region: e.region.slice(0, 2) },
    ];
    for (const q of queries) {
      const expected = oracle(q);
      expect(expected.length, JSON.stringify(q)).toBeGreaterThan(0);
      expect(allPages(q, 37), JSON.stringify(q)).toEqual(expected);
    }
  });

  it('finds nobody for an employer, specialty or region nobody has', () => {
    expect(searchPool(index, { employer: '91350100M000100Y43', limit: 10 })).toEqual({ ids: [], next: null });
    expect(searchPool(index, { specialty: 'C999999', limit: 10 })).toEqual({ ids: [], next: null });
    expect(searchPool(index, { region: '99', limit: 10 })).toEqual({ ids: [], next: null });
  });

  it('starts after any id, present in the pool or not', () => {
    expect(searchPool(index, { after: sorted[99]!.id, limit: 3 }).ids).toEqual(sorted.slice(100, 103).map((e) => e.id));
    expect(searchPool(index, { after: `${sorted[99]!.id}~`, limit: 3 }).ids).toEqual(sorted.slice(100, 103).map((e) => e.id));
    expect(searchPool(index, { after: '~', limit: 3 })).toEqual({ ids: [], next: null });
  });

  it('agrees with the plain filter on random queries and page sizes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...experts.slice(0, 50)),
        fc.record({ specialty: fc.integer({ min: -1, max: 3 }), status: fc.boolean(), employer: fc.boolean(), region: fc.constantFrom(0, 2, 4, 6) }),
        fc.integer({ min: 1, max: 400 }),
        (e, pick, limit) => {
          const q = {
            ...(pick.specialty >= 0 ? { specialty: specialtyOf(e, pick.specialty) } : {}),
            ...(pick.status ? { status: e.status } : {}),
            ...(pick.employer ? { employer: e.employer } : {}),
            ...(pick.region > 0 ? { region: e.region.slice(0, pick.region) } : {}),
          };
          expect(allPages(q, limit)).toEqual(oracle(q));
        },
      ),
      { numRuns: 150, seed: 21 },
    );
  });
});

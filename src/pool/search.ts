// Expert search for pool managers, on the draw's own in-memory index (src/draw/pool-index.ts): a specialty prefix
// reads its bucket of members, the other filters read the index's typed arrays, and paging starts after an id by
// binary search. Ids only: the caller adds what it shows (never personal data).
import type { Expert } from '../domain/expert.js';
import { STATUS, type PoolIndex } from '../draw/pool-index.js';

export interface PoolQuery {
  /** A specialty code: experts holding it or a code under it. */
  readonly specialty?: string;
  readonly status?: Expert['status'];
  /** The employer's unified social credit code. */
  readonly employer?: string;
  /** A region prefix: 2 digits (province), 4 (city) or 6 (county). */
  readonly region?: string;
  /** Start after this expert id (the previous page's next). */
  readonly after?: string;
  readonly limit: number;
}

/** Ids of matching experts in id order, at most `limit`, and the last one's id when more match after it. */
export function searchPool(index: PoolIndex, q: PoolQuery): { ids: string[]; next: string | null } {
  const bucket = q.specialty === undefined ? null : index.candidatesFor(q.specialty);
  const count = bucket ? bucket.length : index.size;
  const positionAt = bucket ? (i: number) => bucket[i]! : (i: number) => i;
  const employer = q.employer === undefined ? undefined : index.orgIndex.get(q.employer);
  // An employer nobody in the pool works for matches nobody.
  if (q.employer !== undefined && employer === undefined) return { ids: [], next: null };
  const status = q.status === undefined ? undefined : STATUS[q.status];
  const regionScale = q.region === undefined ? 1 : 10 ** (6 - q.region.length);
  const region = q.region === undefined ? undefined : Number(q.region);
  const matches = (pos: number) =>
    (status === undefined || index.statusOf[pos] === status) &&
    (employer === undefined || index.employerOf[pos] === employer) &&
    (region === undefined || Math.floor(index.regionOf[pos]! / regionScale) === region);

  const ids: string[] = [];
  for (let i = q.after === undefined ? 0 : firstAfter(index, count, positionAt, q.after); i < count; i++) {
    const pos = positionAt(i);
    if (!matches(pos)) continue;
    // One more match after a full page: there is a next page.
    if (ids.length === q.limit) return { ids, next: ids.at(-1)! };
    ids.push(index.idOf(pos));
  }
  return { ids, next: null };
}

/** The first i whose member's id sorts after `id` (positions ascend with ids, in a bucket as in the whole index). */
function firstAfter(index: PoolIndex, count: number, positionAt: (i: number) => number, id: string): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index.idOf(positionAt(mid)) <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

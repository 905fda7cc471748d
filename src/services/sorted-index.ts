// An in-memory listing kept in order of (time, id), paged by key: a page starts after the last key of the previous one,
// so adding or changing other items meanwhile never repeats or skips an item whose key did not move.

/** Where an item sits in the order: an ISO 8601 UTC time (toISOString, so strings compare as times), then its id. */
export interface SortKey {
  readonly at: string;
  readonly id: string;
}

export interface PageQuery<T> {
  /** Start after this key (the previous page's last); null: from the start. */
  readonly after: SortKey | null;
  /** Times in [from, to), toISOString form. */
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly match: (value: T) => boolean;
}

export interface Page<T> {
  readonly items: T[];
  /** The last item's key when more items match after it; null at the end. */
  readonly next: SortKey | null;
}

interface Slot<T> extends SortKey {
  readonly value: T;
}

const before = (a: SortKey, b: SortKey): boolean => a.at < b.at || (a.at === b.at && a.id < b.id);

/** Beyond this many changes at once, sorting the whole list again is cheaper than inserting one by one. */
const BULK = 256;

export class SortedIndex<T> {
  private slots: Array<Slot<T>> = [];
  private readonly byId = new Map<string, Slot<T>>();

  get size(): number {
    return this.slots.length;
  }

  /** Adds or replaces items; an item null removes the id. */
  apply(changes: ReadonlyArray<{ readonly id: string; readonly item: { readonly at: string; readonly value: T } | null }>): void {
    if (changes.length > BULK) {
      for (const { id, item } of changes) {
        if (item === null) this.byId.delete(id);
        else this.byId.set(id, { id, ...item });
      }
      this.slots = [...this.byId.values()].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
      return;
    }
    for (const { id, item } of changes) {
      const old = this.byId.get(id);
      if (old) this.slots.splice(this.firstAfter(old, true), 1);
      if (item === null) {
        this.byId.delete(id);
        continue;
      }
      const slot: Slot<T> = { id, ...item };
      this.byId.set(id, slot);
      this.slots.splice(this.firstAfter(slot, true), 0, slot);
    }
  }

  /** How many items match. */
  count(match: (value: T) => boolean): number {
    let n = 0;
    for (const slot of this.slots) if (match(slot.value)) n++;
    return n;
  }

  page(q: PageQuery<T>): Page<T> {
    let i = q.after ? this.firstAfter(q.after, false) : 0;
    if (q.from !== undefined) i = Math.max(i, this.firstAfter({ at: q.from, id: '' }, true));
    const items: T[] = [];
    let last: SortKey | null = null;
    for (; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      if (q.to !== undefined && slot.at >= q.to) break;
      if (!q.match(slot.value)) continue;
      // One more match after a full page: there is a next page.
      if (items.length === q.limit) return { items, next: last };
      items.push(slot.value);
      last = { at: slot.at, id: slot.id };
    }
    return { items, next: null };
  }

  /** The position of the first slot after `key` (or at it, when `inclusive`): binary search. */
  private firstAfter(key: SortKey, inclusive: boolean): number {
    let lo = 0;
    let hi = this.slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.slots[mid]!;
      const goRight = inclusive ? before(s, key) : !before(key, s);
      if (goRight) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// In-memory pool index: members per specialty prefix, sorted by id, so a draw touches only its specialties.
import type { Expert } from '../domain/expert.js';
import { specialtyPrefixes } from '../domain/specialty.js';
import { candidateLine } from '../draw/digest.js';
import type { PoolMember, PoolView } from '../draw/types.js';

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Close relatives per expert id, both directions of each declaration, sorted. */
function relativesById(experts: readonly Expert[]): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    let s = out.get(a);
    if (!s) out.set(a, (s = new Set()));
    s.add(b);
  };
  for (const e of experts) {
    for (const r of e.relations) {
      if (r.kind === 'relative' && r.expertId !== e.id) {
        link(e.id, r.expertId);
        link(r.expertId, e.id);
      }
    }
  }
  return new Map([...out].map(([id, s]) => [id, [...s].sort()]));
}

const NO_RELATIVES: readonly string[] = Object.freeze([]);

/** An immutable snapshot of the pool at one version. */
export class PoolIndex implements PoolView {
  private readonly members: readonly PoolMember[];
  private readonly byIdMap: Map<string, PoolMember>;
  /** Specialty prefix → member positions (ascending, so sorted by id). */
  private readonly buckets = new Map<string, number[]>();
  private readonly cache = new Map<string, readonly PoolMember[]>();

  constructor(
    experts: Iterable<Expert>,
    readonly version: number,
  ) {
    const sorted = [...experts].sort(byId);
    const relatives = relativesById(sorted);
    this.members = sorted.map((expert) => {
      const panel = { id: expert.id, employer: expert.employer, relatives: relatives.get(expert.id) ?? NO_RELATIVES };
      return { ...panel, expert, digestLine: candidateLine(panel) };
    });
    this.byIdMap = new Map();
    this.members.forEach((m, pos) => {
      if (this.byIdMap.has(m.id)) throw new Error(`duplicate expert id ${m.id}`);
      this.byIdMap.set(m.id, m);
      for (const code of m.expert.specialties) {
        for (const prefix of specialtyPrefixes(code)) {
          let bucket = this.buckets.get(prefix);
          if (!bucket) this.buckets.set(prefix, (bucket = []));
          // Two specialties under one prefix must not list the expert twice.
          if (bucket[bucket.length - 1] !== pos) bucket.push(pos);
        }
      }
    });
  }

  get size(): number {
    return this.members.length;
  }

  get(id: string): PoolMember | undefined {
    return this.byIdMap.get(id);
  }

  candidatesFor(specialty: string): readonly PoolMember[] {
    let list = this.cache.get(specialty);
    if (!list) {
      list = (this.buckets.get(specialty) ?? []).map((pos) => this.members[pos]!);
      this.cache.set(specialty, list);
    }
    return list;
  }

  /** Specialty codes (and prefixes) with their member counts, largest first. */
  specialtySizes(): Array<{ specialty: string; members: number }> {
    return [...this.buckets].map(([specialty, b]) => ({ specialty, members: b.length })).sort((a, b) => b.members - a.members);
  }
}

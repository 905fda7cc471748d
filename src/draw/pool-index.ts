// In-memory pool index, laid out for the draw's hot loop: members sorted by id, per specialty prefix a typed array of
// positions, and per position the few numbers the recusal pre-check reads (employer, status, flags) in typed arrays,
// so a draw touches compact memory, not thousands of scattered objects.
import { createHash } from 'node:crypto';
import type { Expert } from '../domain/expert.js';
import { specialtyPrefixes } from '../domain/specialty.js';
import { memberLine } from './digest.js';
import type { PoolMember } from './types.js';

export const STATUS = { active: 0, suspended: 1, blacklisted: 2, retired: 3 } as const;
/** Member has org relations (rules 2–3) / declared unavailable dates (rule 5). */
export const FLAG_ORG_RELATIONS = 1;
export const FLAG_UNAVAILABLE = 2;
/** suspendedUntilDay of an open-ended suspension. */
export const OPEN_ENDED = 0x7fffffff;

const DAY_MS = 86_400_000;
/** Day number (days since 1970-01-01) of a YYYY-MM-DD date. */
export function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

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
export class PoolIndex {
  readonly size: number;
  /** Organisation code → small integer, for every code an expert is employed by or related to. */
  readonly orgIndex = new Map<string, number>();
  readonly employerOf: Int32Array;
  /** 6-digit region code as a number. */
  readonly regionOf: Int32Array;
  readonly statusOf: Uint8Array;
  /** Last day of a suspension (day number), OPEN_ENDED, or 0 when not suspended. */
  readonly suspendedUntilDay: Int32Array;
  readonly flagsOf: Uint8Array;
  /**
   * Organisation indices of each member's org relations (self or relative): relationOrgs[relationStart[pos] ..
   * relationStart[pos + 1]). Flat arrays, so the rare lookups in a draw are two reads, not a hash lookup.
   */
  readonly relationStart: Int32Array;
  readonly relationOrgs: Int32Array;
  /** Declared unavailable days of each member: unavailableDays[unavailableStart[pos] .. unavailableStart[pos + 1]). */
  readonly unavailableStart: Int32Array;
  readonly unavailableDays: Int32Array;
  /**
   * Per-draw marks by position, set and cleared within one synchronous prepareDraw (see candidates.ts). Scratch
   * memory of the index so that a draw does not allocate and zero an array the size of the pool.
   */
  readonly scratch: Uint8Array;
  /** Experts by position; PoolMember views are made on demand (a draw asks for a few dozen). */
  private readonly experts: Expert[];
  /** Close relatives by position, for the few members that have any. */
  private readonly relativesAt = new Map<number, readonly string[]>();
  /** Ids by position: the exclusion lines read them without touching the member objects. */
  private readonly ids: string[];
  private readonly positions = new Map<string, number>();
  /** Specialty prefix → member positions, ascending (so sorted by id). */
  private readonly buckets = new Map<string, Int32Array>();
  private readonly digests = new Map<string, string>();
  private readonly packed = new Map<string, Int32Array>();


  constructor(
    experts: Iterable<Expert>,
    readonly version: number,
  ) {
    const sorted = [...experts].sort(byId);
    const relatives = relativesById(sorted);
    const n = (this.size = sorted.length);
    this.employerOf = new Int32Array(n);
    this.regionOf = new Int32Array(n);
    this.statusOf = new Uint8Array(n);
    this.suspendedUntilDay = new Int32Array(n);
    this.flagsOf = new Uint8Array(n);
    this.scratch = new Uint8Array(n);
    const org = (code: string) => {
      let i = this.orgIndex.get(code);
      if (i === undefined) this.orgIndex.set(code, (i = this.orgIndex.size));
      return i;
    };
    const buckets = new Map<string, number[]>();
    const relationOrgs: number[] = [];
    const unavailableDays: number[] = [];
    this.relationStart = new Int32Array(n + 1);
    this.unavailableStart = new Int32Array(n + 1);
    this.experts = sorted;
    sorted.forEach((expert, pos) => {
      if (this.positions.has(expert.id)) throw new Error(`duplicate expert id ${expert.id}`);
      this.positions.set(expert.id, pos);
      this.employerOf[pos] = org(expert.employer);
      this.regionOf[pos] = Number(expert.region);
      this.statusOf[pos] = STATUS[expert.status];
      if (expert.status === 'suspended') this.suspendedUntilDay[pos] = expert.suspendedUntil === null ? OPEN_ENDED : dayNumber(expert.suspendedUntil);
      for (const r of expert.relations) if (r.kind === 'org') relationOrgs.push(org(r.org));
      this.relationStart[pos + 1] = relationOrgs.length;
      if (relationOrgs.length > this.relationStart[pos]!) this.flagsOf[pos]! |= FLAG_ORG_RELATIONS;
      for (const d of expert.unavailable) unavailableDays.push(dayNumber(d));
      this.unavailableStart[pos + 1] = unavailableDays.length;
      if (expert.unavailable.length > 0) this.flagsOf[pos]! |= FLAG_UNAVAILABLE;
      for (const code of expert.specialties) {
        for (const prefix of specialtyPrefixes(code)) {
          let bucket = buckets.get(prefix);
          if (!bucket) buckets.set(prefix, (bucket = []));
          // Two specialties under one prefix must not list the expert twice.
          if (bucket[bucket.length - 1] !== pos) bucket.push(pos);
        }
      }
      const mine = relatives.get(expert.id);
      if (mine) this.relativesAt.set(pos, mine);
    });
    for (const [prefix, list] of buckets) this.buckets.set(prefix, Int32Array.from(list));
    this.ids = sorted.map((e) => e.id);
    this.relationOrgs = Int32Array.from(relationOrgs);
    this.unavailableDays = Int32Array.from(unavailableDays);
  }

  positionOf(id: string): number | undefined {
    return this.positions.get(id);
  }

  /** The id of the member at `position`. */
  idOf(position: number): string {
    return this.ids[position]!;
  }

  get(id: string): PoolMember | undefined {
    const pos = this.positions.get(id);
    return pos === undefined ? undefined : this.member(pos);
  }

  member(position: number): PoolMember {
    const expert = this.experts[position];
    if (!expert) throw new RangeError(`no pool member at position ${position}`);
    return {
      id: expert.id,
      employer: expert.employer,
      region: expert.region,
      relatives: this.relativesAt.get(position) ?? NO_RELATIVES,
      expert,
      position,
    };
  }

  /** Positions of the members holding a specialty code under `specialty`, ascending (sorted by id). */
  candidatesFor(specialty: string): Int32Array {
    return this.buckets.get(specialty) ?? EMPTY;
  }

  /**
   * The members of `specialty` as consecutive records of PACKED_FIELDS int32s (the PACKED offsets) in the order of
   * candidatesFor(specialty): the draw reads them sequentially instead of jumping across the pool. Built on first use
   * per pool version.
   */
  packedMembers(specialty: string): Int32Array {
    let packed = this.packed.get(specialty);
    if (!packed) {
      const positions = this.candidatesFor(specialty);
      packed = new Int32Array(positions.length * PACKED_FIELDS);
      for (let i = 0; i < positions.length; i++) {
        const pos = positions[i]!;
        const f = i * PACKED_FIELDS;
        packed[f + PACKED.employer] = this.employerOf[pos]!;
        packed[f + PACKED.region] = this.regionOf[pos]!;
        packed[f + PACKED.statusFlags] = this.statusOf[pos]! | (this.flagsOf[pos]! << 4);
        packed[f + PACKED.suspendedUntil] = this.suspendedUntilDay[pos]!;
        packed[f + PACKED.relationStart] = this.relationStart[pos]!;
        packed[f + PACKED.relationEnd] = this.relationStart[pos + 1]!;
        packed[f + PACKED.unavailableStart] = this.unavailableStart[pos]!;
        packed[f + PACKED.unavailableEnd] = this.unavailableStart[pos + 1]!;
      }
      this.packed.set(specialty, packed);
    }
    return packed;
  }

  /** SHA-256 of the member lines of `specialty` (docs/draw-proof.md §4), computed once per pool version. */
  membersDigest(specialty: string): string {
    let digest = this.digests.get(specialty);
    if (digest === undefined) {
      const hash = createHash('sha256');
      const positions = this.candidatesFor(specialty);
      // Hash in slices: one update per member would cost more than the hashing itself.
      for (let start = 0; start < positions.length; start += 4096) {
        let chunk = '';
        const end = Math.min(positions.length, start + 4096);
        for (let i = start; i < end; i++) chunk += memberLine(this.member(positions[i]!));
        hash.update(chunk, 'utf8');
      }
      this.digests.set(specialty, (digest = hash.digest('hex')));
    }
    return digest;
  }

  /** Specialty codes (and prefixes) with their member counts, largest first. */
  specialtySizes(): Array<{ specialty: string; members: number }> {
    return [...this.buckets].map(([specialty, b]) => ({ specialty, members: b.length })).sort((a, b) => b.members - a.members);
  }
}

const EMPTY = new Int32Array(0);
/** Offsets of a member's fields in packedMembers records. */
export const PACKED = {
  employer: 0,
  region: 1,
  /** status | flags << 4 */
  statusFlags: 2,
  suspendedUntil: 3,
  relationStart: 4,
  relationEnd: 5,
  unavailableStart: 6,
  unavailableEnd: 7,
} as const;
export const PACKED_FIELDS = 8;

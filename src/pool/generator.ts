// Synthetic pools, deterministic from a seed, shaped like real ones: uneven specialty sizes, large and small
// employers, regions, declared relations, suspensions and unavailable dates. Used by tests, benchmarks and the demo.
import { createHash } from 'node:crypto';
import { USCC_ALPHABET, residentIdCheckChar, usccCheckChar } from '../domain/codes.js';
import type { Expert, ExpertPersonal, Relation } from '../domain/expert.js';
import { ORG_ROLES } from '../domain/expert.js';
import type { Project } from '../domain/project.js';
import type { HistoryEntry } from '../draw/history.js';

/** Small fast PRNG (sfc32) for synthetic data only — never for a draw. */
export class SyntheticRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: string) {
    const h = createHash('sha256').update(`expert-draw/synthetic/${seed}`).digest();
    this.a = h.readUInt32LE(0);
    this.b = h.readUInt32LE(4);
    this.c = h.readUInt32LE(8);
    this.d = h.readUInt32LE(12) | 1;
    for (let i = 0; i < 12; i++) this.next();
  }
  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** Index into a list with Zipf-like weights 1/(i+1)^s: a few large, many small. */
  zipf(n: number, s = 1.1): number {
    // Inverse of the continuous approximation of the Zipf CDF; good enough for shaping test data.
    const u = this.next();
    if (s === 1) return Math.min(n - 1, Math.floor(Math.exp(u * Math.log(n + 1)) - 1));
    const max = Math.pow(n + 1, 1 - s);
    return Math.min(n - 1, Math.max(0, Math.floor(Math.pow(1 + u * (max - 1), 1 / (1 - s)) - 1)));
  }
}

/** A valid unified social credit code from a counter (registration authority 9, category 1: enterprise). */
export function syntheticUscc(n: number, regionCode = '110105'): string {
  let body = '';
  let x = n;
  for (let i = 0; i < 9; i++) {
    body = USCC_ALPHABET.charAt(x % 31) + body;
    x = Math.floor(x / 31);
  }
  const first17 = `91${regionCode}${body}`;
  return first17 + usccCheckChar(first17);
}

/** Province codes (GB/T 2260 first two digits) used for synthetic regions. */
const PROVINCES = ['11', '12', '13', '14', '21', '31', '32', '33', '34', '35', '37', '41', '42', '43', '44', '50', '51', '53', '61', '62'];

export function syntheticRegion(rng: SyntheticRandom): string {
  const province = PROVINCES[rng.zipf(PROVINCES.length, 0.8)]!;
  const city = String(1 + rng.zipf(12, 1.2)).padStart(2, '0');
  const county = String(1 + rng.int(12)).padStart(2, '0');
  return `${province}${city}${county}`;
}

export interface SpecialtyLeaf {
  readonly code: string;
  readonly weight: number;
}

/** A hierarchical classification: A/B/C, then 2-digit levels down to 4 levels, with uneven leaf weights. */
export function syntheticSpecialties(rng: SyntheticRandom, leaves = 600): SpecialtyLeaf[] {
  const out: SpecialtyLeaf[] = [];
  const tops = ['A', 'B', 'C'];
  const seen = new Set<string>();
  while (out.length < leaves) {
    const top = tops[rng.zipf(3, 0.6)]!;
    const l2 = String(1 + rng.zipf(20, 0.9)).padStart(2, '0');
    const l3 = String(1 + rng.zipf(15, 0.9)).padStart(2, '0');
    const l4 = String(1 + rng.zipf(10, 0.9)).padStart(2, '0');
    const code = `${top}${l2}${l3}${l4}`;
    if (seen.has(code)) continue;
    seen.add(code);
    out.push({ code, weight: 1 / Math.pow(out.length + 1, 0.75) });
  }
  return out;
}

export interface PoolOptions {
  readonly size: number;
  readonly seed?: string;
  /** Leaf codes every draw benchmark can rely on: exactly `members` experts hold each, whatever the pool size. */
  readonly fixed?: ReadonlyArray<{ readonly code: string; readonly members: number }>;
  /** Reference date for statuses and relations (YYYY-MM-DD). */
  readonly today?: string;
  /** Number of the first expert (default 1): ids run from it, so that a second file adds experts instead of replacing them. */
  readonly first?: number;
}

export interface SyntheticPool {
  readonly experts: Expert[];
  readonly organisations: string[];
  readonly specialties: SpecialtyLeaf[];
}

export function expertIdOf(n: number): string {
  return `E${String(n).padStart(7, '0')}`;
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A pool of `size` experts. The same options always give the same pool. */
export function generatePool(options: PoolOptions): SyntheticPool {
  const { size } = options;
  const first = options.first ?? 1;
  if (!Number.isSafeInteger(first) || first < 1) throw new RangeError(`the first expert number must be a positive integer, not ${first}`);
  const rng = new SyntheticRandom(`pool/${options.seed ?? 'default'}/${size}`);
  const today = options.today ?? '2026-12-01';
  const fixedCodes = new Set((options.fixed ?? []).map((f) => f.code));
  // Fixed codes are held only by their chosen owners, so their member counts are exact.
  const specialties = syntheticSpecialties(rng).filter((s) => !fixedCodes.has(s.code));
  const cumulative: number[] = [];
  let total = 0;
  for (const s of specialties) cumulative.push((total += s.weight));
  const pickSpecialty = () => {
    const x = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return specialties[lo]!.code;
  };
  const orgCount = Math.max(20, Math.floor(size / 15));
  const organisations = Array.from({ length: orgCount }, (_, i) => syntheticUscc(i + 1));
  const fixedOwners = (options.fixed ?? []).map((f) => ({ code: f.code, owners: pickDistinct(rng, size, Math.min(f.members, size)) }));

  const experts: Expert[] = [];
  for (let i = 0; i < size; i++) {
    const id = expertIdOf(first + i);
    const held = new Set<string>([pickSpecialty()]);
    while (held.size < 3 && rng.chance(0.35)) held.add(pickSpecialty());
    for (const f of fixedOwners) if (f.owners.has(i)) held.add(f.code);
    const relations: Relation[] = [];
    if (rng.chance(0.06)) {
      relations.push({
        kind: 'org',
        holder: 'self',
        role: rng.chance(0.7) ? 'employee' : rng.pick(ORG_ROLES),
        org: organisations[rng.zipf(orgCount)]!,
        until: rng.chance(0.2) ? null : shiftDate(today, -1 - rng.int(6 * 365)),
      });
    }
    if (rng.chance(0.02)) {
      relations.push({ kind: 'org', holder: 'relative', role: rng.pick(ORG_ROLES), org: organisations[rng.zipf(orgCount)]!, until: null });
    }
    if (i > 0 && rng.chance(0.005)) relations.push({ kind: 'relative', expertId: expertIdOf(first + rng.int(i)) });
    const roll = rng.next();
    const status = roll < 0.03 ? 'suspended' : roll < 0.04 ? 'blacklisted' : roll < 0.06 ? 'retired' : 'active';
    const unavailable: string[] = [];
    if (rng.chance(0.05)) {
      const days = 1 + rng.int(4);
      for (let k = 0; k < days; k++) unavailable.push(shiftDate(today, rng.int(30)));
    }
    experts.push({
      id,
      specialties: [...held].sort(),
      region: syntheticRegion(rng),
      employer: organisations[rng.zipf(orgCount, 0.9)]!,
      status,
      suspendedUntil: status === 'suspended' && rng.chance(0.7) ? shiftDate(today, rng.int(180) - 60) : null,
      unavailable: [...new Set(unavailable)].sort(),
      relations,
    });
  }
  return { experts, organisations, specialties };
}

function pickDistinct(rng: SyntheticRandom, n: number, k: number): Set<number> {
  const out = new Set<number>();
  while (out.size < k) out.add(rng.int(n));
  return out;
}

/** Birth dates the synthetic ID numbers use: 1955-01-01 and the 14,610 days after it (40 years). */
const BIRTH_DAYS = 14_610;
const FIRST_BIRTH = Date.UTC(1955, 0, 1);
/** Prime to BIRTH_DAYS, so n ↦ n·STRIDE mod BIRTH_DAYS spreads consecutive experts over the years without repeating. */
const STRIDE = 7_919;

/**
 * Personal data for expert n: a plausible name, a mobile number and a valid resident ID number, unique to n for every n
 * below 14,610,000 (birth day from n modulo the 14,610 days, sequence number from n / 14,610), so that a synthetic
 * pool of any size the service can hold imports without a duplicate.
 */
export function syntheticPersonal(n: number, region = '110105'): ExpertPersonal {
  if (!Number.isSafeInteger(n) || n < 0 || n >= BIRTH_DAYS * 1000) throw new RangeError(`synthetic expert number ${n} is out of range`);
  const rng = new SyntheticRandom(`personal/${n}`);
  const surnames = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙'];
  const given = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明'];
  const name = rng.pick(surnames) + rng.pick(given) + (rng.chance(0.6) ? rng.pick(given) : '');
  // The last nine digits a bijection of n (48271 shares no factor with 10^9): every synthetic expert has a phone of its
  // own, as the pool requires (PHONE_IN_USE), for pools of any size the generator makes.
  const phone = `1${rng.pick(['3', '5', '7', '8', '9'])}${String((n * 48_271 + 730_512_469) % 1e9).padStart(9, '0')}`;
  const day = (n % BIRTH_DAYS) * STRIDE % BIRTH_DAYS;
  const birth = new Date(FIRST_BIRTH + day * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `${region}${birth}${String(Math.floor(n / BIRTH_DAYS)).padStart(3, '0')}`;
  return { name, phone, idNumber: first17 + residentIdCheckChar(first17) };
}

/** A project whose parties are drawn from the pool's organisations. */
export function syntheticProject(pool: SyntheticPool, seed: string, bidOpeningAt = '2026-12-01T09:00:00+08:00'): Project {
  const rng = new SyntheticRandom(`project/${seed}`);
  const orgs = pool.organisations;
  const tenderer = rng.pick(orgs);
  const picked = rng.pick(orgs);
  // The parties as the service registers them (refineParties): the same random draws, contradictions left out.
  const agency = picked === tenderer ? null : picked;
  return {
    id: `P-${seed}`,
    tenderer,
    agency,
    bidders: Array.from({ length: rng.int(4) }, () => rng.pick(orgs)).filter((b) => b !== tenderer && b !== agency),
    avoid: rng.chance(0.3) ? [rng.pick(orgs)] : [],
    preparedBy: rng.chance(0.5) ? [expertIdOf(1 + rng.int(pool.experts.length))] : [],
    bidOpeningAt,
    region: syntheticRegion(rng),
  };
}

/** Past selections: `count` entries spread over the year before `before`. */
export function syntheticHistory(pool: SyntheticPool, count: number, seed = 'history', before = '2026-12-01T00:00:00+08:00'): HistoryEntry[] {
  const rng = new SyntheticRandom(`history/${seed}`);
  const end = Date.parse(before);
  return Array.from({ length: count }, () => ({
    expertId: pool.experts[rng.zipf(pool.experts.length, 0.7)]!.id,
    at: new Date(end - rng.int(365 * 86_400_000)).toISOString(),
    tenderer: pool.organisations[rng.zipf(pool.organisations.length)]!,
  }));
}

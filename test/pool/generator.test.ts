// Synthetic pool generator: determinism, schema validity of everything it produces, the `fixed` option, realistic shape.
import { describe, expect, it } from 'vitest';
import { isValidResidentId, isValidUscc } from '../../src/domain/codes.js';
import { Expert, ExpertPersonal } from '../../src/domain/expert.js';
import { SPECIALTY_PATTERN } from '../../src/domain/primitives.js';
import { Project } from '../../src/domain/project.js';
import { HistoryEntry } from '../../src/draw/history.js';
import {
  SyntheticRandom,
  expertIdOf,
  generatePool,
  syntheticHistory,
  syntheticPersonal,
  syntheticProject,
  syntheticRegion,
  syntheticSpecialties,
  syntheticUscc,
} from '../../src/pool/generator.js';

const DAY_MS = 86_400_000;
const shift = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const holders = (experts: readonly Expert[], code: string) => experts.filter((e) => e.specialties.includes(code)).length;
const holdersUnder = (experts: readonly Expert[], prefix: string) => experts.filter((e) => e.specialties.some((s) => s.startsWith(prefix))).length;

// One large pool shared by the read-only checks below.
const POOL = generatePool({ size: 3000 });

describe('SyntheticRandom', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const seq = (seed: string) => {
      const r = new SyntheticRandom(seed);
      return Array.from({ length: 20 }, () => r.next());
    };
    expect(seq('a')).toEqual(seq('a'));
    expect(seq('a')).not.toEqual(seq('b'));
  });

  it('keeps next, int, zipf and pick in range', () => {
    const r = new SyntheticRandom('range');
    for (let i = 0; i < 5000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
      for (const s of [0.6, 1, 1.1, 1.5]) {
        const z = r.zipf(12, s);
        expect(Number.isInteger(z) && z >= 0 && z < 12).toBe(true);
      }
    }
    expect(['x', 'y']).toContain(r.pick(['x', 'y']));
  });

  it('zipf favours small indices', () => {
    const r = new SyntheticRandom('zipf');
    const counts = new Array<number>(20).fill(0);
    for (let i = 0; i < 20_000; i++) counts[r.zipf(20)]!++;
    expect(counts[0]!).toBeGreaterThan(counts[19]! * 3);
  });
});

describe('syntheticUscc / expertIdOf / syntheticRegion / syntheticSpecialties', () => {
  it('gives valid, distinct unified social credit codes', () => {
    const codes = Array.from({ length: 2000 }, (_, i) => syntheticUscc(i));
    for (const c of codes) expect(isValidUscc(c)).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
    expect(syntheticUscc(5, '440305').slice(0, 8)).toBe('91440305');
    expect(isValidUscc(syntheticUscc(123_456_789, '650102'))).toBe(true);
  });

  it('formats expert ids with seven digits', () => {
    expect(expertIdOf(1)).toBe('E0000001');
    expect(expertIdOf(1234567)).toBe('E1234567');
  });

  it('gives 6-digit region codes', () => {
    const r = new SyntheticRandom('regions');
    for (let i = 0; i < 1000; i++) expect(syntheticRegion(r)).toMatch(/^[1-9]\d{5}$/);
  });

  it('gives distinct 4-level specialty leaves with decreasing weights', () => {
    const leaves = syntheticSpecialties(new SyntheticRandom('spec'), 200);
    expect(leaves).toHaveLength(200);
    expect(new Set(leaves.map((l) => l.code)).size).toBe(200);
    for (const l of leaves) expect(l.code).toMatch(/^[ABC]\d{6}$/);
    for (let i = 1; i < leaves.length; i++) expect(leaves[i]!.weight).toBeLessThan(leaves[i - 1]!.weight);
  });
});

describe('generatePool: determinism', () => {
  it('same options give an identical pool', () => {
    const options = { size: 500, seed: 's1', fixed: [{ code: 'C990101', members: 40 }], today: '2026-06-01' };
    expect(generatePool(options)).toEqual(generatePool(options));
  });

  it('the default pool equals an explicit "default" seed', () => {
    expect(generatePool({ size: 300 })).toEqual(generatePool({ size: 300, seed: 'default' }));
  });

  it('a different seed gives a different pool', () => {
    const a = generatePool({ size: 500, seed: 's1' });
    const b = generatePool({ size: 500, seed: 's2' });
    expect(a).not.toEqual(b);
    expect(a.experts.map((e) => e.employer)).not.toEqual(b.experts.map((e) => e.employer));
  });

  it('numbers experts from `first`, relatives included, so that a second file adds people', () => {
    const more = generatePool({ size: 2000, first: 3001 });
    expect(more.experts.map((e) => e.id)).toEqual(Array.from({ length: 2000 }, (_, i) => expertIdOf(3001 + i)));
    const ids = new Set(more.experts.map((e) => e.id));
    const relatives = more.experts.flatMap((e) => e.relations.filter((r) => r.kind === 'relative').map((r) => (r as { expertId: string }).expertId));
    expect(relatives.length).toBeGreaterThan(0);
    for (const id of relatives) expect(ids.has(id), id).toBe(true);
    expect(() => generatePool({ size: 1, first: 0 })).toThrow(RangeError);
  });
});

describe('generatePool: validity of a 3,000-expert pool', () => {
  it('has the requested size with ids E0000001… in order', () => {
    expect(POOL.experts).toHaveLength(3000);
    POOL.experts.forEach((e, i) => expect(e.id).toBe(expertIdOf(i + 1)));
  });

  it('every expert parses with the Expert schema, unchanged', () => {
    for (const e of POOL.experts) {
      const result = Expert.safeParse(e);
      if (!result.success) throw new Error(`${e.id}: ${result.error.message}`);
      expect(result.data).toEqual(e);
    }
  });

  it('every organisation code is a valid USCC, and all are distinct', () => {
    expect(POOL.organisations.length).toBe(200);
    for (const code of POOL.organisations) expect(isValidUscc(code)).toBe(true);
    expect(new Set(POOL.organisations).size).toBe(POOL.organisations.length);
  });

  it('employers and declared organisations come from the organisation list', () => {
    const orgs = new Set(POOL.organisations);
    for (const e of POOL.experts) {
      expect(orgs.has(e.employer)).toBe(true);
      for (const r of e.relations) if (r.kind === 'org') expect(orgs.has(r.org)).toBe(true);
    }
  });

  it('relatives point to other, existing experts', () => {
    const ids = new Set(POOL.experts.map((e) => e.id));
    let count = 0;
    for (const e of POOL.experts) {
      for (const r of e.relations) {
        if (r.kind !== 'relative') continue;
        count++;
        expect(r.expertId).not.toBe(e.id);
        expect(ids.has(r.expertId)).toBe(true);
      }
    }
    expect(count).toBeGreaterThan(0);
  });

  it('specialties are sorted, distinct and well-formed', () => {
    for (const e of POOL.experts) {
      expect([...e.specialties].sort()).toEqual(e.specialties);
      expect(new Set(e.specialties).size).toBe(e.specialties.length);
      for (const s of e.specialties) expect(s).toMatch(SPECIALTY_PATTERN);
    }
  });

  it('uses many employers, some large and many small', () => {
    const perEmployer = new Map<string, number>();
    for (const e of POOL.experts) perEmployer.set(e.employer, (perEmployer.get(e.employer) ?? 0) + 1);
    const sizes = [...perEmployer.values()].sort((a, b) => b - a);
    expect(perEmployer.size).toBeGreaterThan(100);
    expect(sizes[0]!).toBeGreaterThan(5 * sizes[Math.floor(sizes.length / 2)]!);
  });

  it('has statuses in plausible proportions for several seeds', () => {
    for (const pool of [POOL, generatePool({ size: 3000, seed: 'a' }), generatePool({ size: 3000, seed: 'b' })]) {
      const n = pool.experts.length;
      const share = (s: string) => pool.experts.filter((e) => e.status === s).length / n;
      expect(share('active')).toBeGreaterThan(0.9);
      expect(share('suspended')).toBeGreaterThan(0.015);
      expect(share('suspended')).toBeLessThan(0.05);
      expect(share('blacklisted')).toBeGreaterThan(0.003);
      expect(share('blacklisted')).toBeLessThan(0.025);
      expect(share('retired')).toBeGreaterThan(0.01);
      expect(share('retired')).toBeLessThan(0.035);
    }
  });

  it('only suspended experts have a suspension end, and some suspensions are open-ended', () => {
    const suspended = POOL.experts.filter((e) => e.status === 'suspended');
    for (const e of POOL.experts) if (e.status !== 'suspended') expect(e.suspendedUntil).toBeNull();
    expect(suspended.some((e) => e.suspendedUntil === null)).toBe(true);
    expect(suspended.some((e) => e.suspendedUntil !== null)).toBe(true);
  });

  it('dates stay around `today`', () => {
    const today = '2026-06-01';
    const pool = generatePool({ size: 2000, today });
    let unavailable = 0;
    for (const e of pool.experts) {
      expect([...new Set(e.unavailable)].sort()).toEqual(e.unavailable);
      for (const d of e.unavailable) {
        unavailable++;
        expect(d >= today && d <= shift(today, 29)).toBe(true);
      }
      if (e.suspendedUntil !== null) expect(e.suspendedUntil >= shift(today, -60) && e.suspendedUntil <= shift(today, 119)).toBe(true);
      for (const r of e.relations) {
        if (r.kind === 'org' && r.until !== null) expect(r.until >= shift(today, -6 * 365) && r.until < today).toBe(true);
      }
    }
    expect(unavailable).toBeGreaterThan(0);
  });
});

describe('generatePool: the fixed option', () => {
  it('gives exactly the requested member counts for codes outside the generated classification', () => {
    const fixed = [
      { code: 'C990101', members: 300 },
      { code: 'B990202', members: 17 },
      { code: 'A99', members: 1 },
    ];
    for (const size of [500, 3000]) {
      const pool = generatePool({ size, fixed });
      for (const f of fixed) {
        expect(holders(pool.experts, f.code)).toBe(f.members);
        expect(holdersUnder(pool.experts, f.code)).toBe(f.members);
      }
      for (const e of pool.experts) expect(Expert.safeParse(e).success).toBe(true);
    }
  });

  it('caps the count at the pool size', () => {
    const pool = generatePool({ size: 10, fixed: [{ code: 'C990101', members: 50 }] });
    expect(holders(pool.experts, 'C990101')).toBe(10);
  });

  it('gives exactly the requested count for a code that is also a generated leaf', () => {
    const leaf = generatePool({ size: 3000 }).specialties[0]!.code;
    const pool = generatePool({ size: 3000, fixed: [{ code: leaf, members: 10 }] });
    expect(holders(pool.experts, leaf)).toBe(10);
  });
});

describe('syntheticPersonal', () => {
  it('gives valid resident IDs and phones that parse with ExpertPersonal', () => {
    for (let n = 1; n <= 2000; n++) {
      const p = syntheticPersonal(n);
      expect(isValidResidentId(p.idNumber)).toBe(true);
      expect(p.phone).toMatch(/^1[35789]\d{9}$/);
      expect(ExpertPersonal.parse(p)).toEqual(p);
    }
  });

  it('never repeats an ID number in a pool of 200,000, and refuses numbers it cannot keep unique', () => {
    const seen = new Set<string>();
    for (let n = 0; n < 200_000; n++) seen.add(syntheticPersonal(n).idNumber);
    expect(seen.size).toBe(200_000);
    // The last numbers of the range are still valid and distinct; past it, no silent repeat.
    expect(syntheticPersonal(14_609_999).idNumber).not.toBe(syntheticPersonal(14_609_998).idNumber);
    expect(isValidResidentId(syntheticPersonal(14_609_999).idNumber)).toBe(true);
    expect(() => syntheticPersonal(14_610_000)).toThrow(RangeError);
  });

  it('is deterministic and uses the region as the ID prefix', () => {
    expect(syntheticPersonal(42)).toEqual(syntheticPersonal(42));
    expect(syntheticPersonal(42)).not.toEqual(syntheticPersonal(43));
    const p = syntheticPersonal(7, '440305');
    expect(p.idNumber.slice(0, 6)).toBe('440305');
    expect(isValidResidentId(p.idNumber)).toBe(true);
  });
});

describe('syntheticProject', () => {
  it('parses with the Project schema, unchanged, for many seeds', () => {
    for (let i = 0; i < 200; i++) {
      const project = syntheticProject(POOL, `s${i}`);
      expect(Project.parse(project)).toEqual(project);
    }
  });

  it('draws its parties from the pool and its preparers from the pool’s ids', () => {
    const orgs = new Set(POOL.organisations);
    const ids = new Set(POOL.experts.map((e) => e.id));
    for (let i = 0; i < 200; i++) {
      const p = syntheticProject(POOL, `s${i}`);
      for (const code of [p.tenderer, p.agency, ...p.bidders, ...p.avoid]) if (code !== null) expect(orgs.has(code)).toBe(true);
      for (const id of p.preparedBy) expect(ids.has(id)).toBe(true);
    }
  });

  it('is deterministic per seed and keeps the given bid opening', () => {
    expect(syntheticProject(POOL, 'x')).toEqual(syntheticProject(POOL, 'x'));
    expect(syntheticProject(POOL, 'x')).not.toEqual(syntheticProject(POOL, 'y'));
    const at = '2027-03-15T14:30:00+08:00';
    expect(syntheticProject(POOL, 'x', at).bidOpeningAt).toBe(at);
    expect(syntheticProject(POOL, 'x').id).toBe('P-x');
  });
});

describe('syntheticHistory', () => {
  it('gives schema-valid entries for pool experts within the year before `before`', () => {
    const before = '2026-12-01T00:00:00+08:00';
    const end = Date.parse(before);
    const entries = syntheticHistory(POOL, 1000, 'h', before);
    expect(entries).toHaveLength(1000);
    const ids = new Set(POOL.experts.map((e) => e.id));
    for (const e of entries) {
      expect(HistoryEntry.parse(e)).toEqual(e);
      expect(ids.has(e.expertId)).toBe(true);
      const at = Date.parse(e.at);
      expect(at <= end && at > end - 365 * DAY_MS).toBe(true);
    }
    expect(syntheticHistory(POOL, 50, 'h', before)).toEqual(entries.slice(0, 50));
  });
});

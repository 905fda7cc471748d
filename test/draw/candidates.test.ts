// The typed-array rules give every member exactly the reasons of the reference rules, and prepared groups are
// exactly "in the region filter, minus what the reference rules exclude".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expert } from '../../src/domain/expert.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import type { Project } from '../../src/domain/project.js';
import type { DrawGroup } from '../../src/domain/request.js';
import { codesOf, exclusionMask, preCheck, prepareGroup } from '../../src/draw/candidates.js';
import { conflictContext, expertExclusions } from '../../src/draw/conflicts.js';
import { exclusionLine, linesDigest } from '../../src/draw/digest.js';
import { indexHistory } from '../../src/draw/history.js';
import { syntheticUscc } from '../../src/pool/generator.js';
import { PoolIndex } from '../../src/draw/pool-index.js';

const ORGS = Array.from({ length: 8 }, (_, i) => syntheticUscc(i + 1));
const DATES = ['2023-11-30', '2023-12-01', '2026-11-30', '2026-12-01', '2026-12-02'];
const REGIONS = ['330106', '330206', '320102', '110105'];

const expertArb = (i: number): fc.Arbitrary<Expert> =>
  fc
    .record({
      specialties: fc.subarray(['A0101', 'A0102', 'B0101'], { minLength: 1 }),
      employer: fc.constantFrom(...ORGS),
      region: fc.constantFrom(...REGIONS),
      status: fc.constantFrom('active', 'active', 'active', 'suspended', 'blacklisted', 'retired'),
      suspendedUntil: fc.option(fc.constantFrom(...DATES)),
      unavailable: fc.subarray(DATES),
      relation: fc.option(fc.record({ holder: fc.constantFrom('self', 'relative'), org: fc.constantFrom(...ORGS), until: fc.option(fc.constantFrom(...DATES)) })),
    })
    .map((r) => ({
      id: `E${String(i).padStart(3, '0')}`,
      specialties: r.specialties,
      region: r.region,
      employer: r.employer,
      status: r.status as Expert['status'],
      suspendedUntil: r.status === 'suspended' ? r.suspendedUntil : null,
      unavailable: r.unavailable,
      relations: r.relation ? [{ kind: 'org' as const, role: 'adviser' as const, ...(r.relation as { holder: 'self' | 'relative'; org: string; until: string | null }) }] : [],
    }));

const poolArb = fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => expertArb(i))));
const historyArb = fc.array(
  fc.record({
    expert: fc.integer({ min: 0, max: 39 }),
    day: fc.integer({ min: 1, max: 400 }),
    tenderer: fc.constantFrom(...ORGS.slice(0, 3)),
  }),
  { maxLength: 60 },
);
const projectArb = fc.record({
  tenderer: fc.constantFrom(0, 2),
  bidOpeningAt: fc.constantFrom('2026-12-01T09:00:00+08:00', '2026-12-02T09:00:00+08:00', '2023-12-01T09:00:00+08:00'),
  bidders: fc.subarray(ORGS.slice(2)),
  avoid: fc.subarray(ORGS.slice(4)),
  prepared: fc.subarray(['E000', 'E003', 'E007']),
});
const groupArb: fc.Arbitrary<DrawGroup> = fc.record({
  specialty: fc.constantFrom('A', 'A01', 'A0101', 'B0101'),
  count: fc.constant(1),
  regions: fc.option(
    fc.record({ include: fc.option(fc.subarray(['33', '3302', '11'])), exclude: fc.option(fc.subarray(['32', '330106'])), outsideProjectRegion: fc.boolean() }).map((r) => ({
      ...(r.include ? { include: r.include } : {}),
      ...(r.exclude ? { exclude: r.exclude } : {}),
      outsideProjectRegion: r.outsideProjectRegion,
    })),
    { nil: undefined },
  ),
});

describe('candidate preparation', () => {
  it('fast rules agree with the reference rules, and groups match the reference', () => {
    fc.assert(
      fc.property(poolArb, historyArb, fc.array(projectArb, { minLength: 2, maxLength: 4 }), groupArb, (experts, hist, ps, group) => {
        const pool = new PoolIndex(experts, 1);
        const opening = Date.parse('2026-12-01T09:00:00+08:00');
        const history = indexHistory(
          hist
            .filter((h) => h.expert < experts.length)
            .map((h) => ({ expertId: experts[h.expert]!.id, at: new Date(opening - h.day * 86_400_000).toISOString(), tenderer: h.tenderer })),
        );
        // Several projects on one index, as a service draws them: the first scans the bucket, the later ones read what
        // the index keeps per bucket, which must give them (other parties, another opening day) the reference answer too.
        for (const p of ps) {
          const project: Project = { id: 'P', tenderer: ORGS[p.tenderer]!, agency: ORGS[1]!, bidders: p.bidders, avoid: p.avoid, preparedBy: p.prepared, bidOpeningAt: p.bidOpeningAt, region: '330106' };
          const ctx = conflictContext(project, DEFAULT_POLICY, history);
          const pre = preCheck(pool, project, ctx, history);
          let prepared;
          try {
            for (let pos = 0; pos < pool.size; pos++) {
              expect(codesOf(exclusionMask(pool, pre, ctx, pos))).toEqual(expertExclusions(pool.member(pos).expert, ctx));
            }
            prepared = prepareGroup(group, 0, pool, project, DEFAULT_POLICY, ctx, pre);
          } finally {
            pre.release();
          }
          expect(pool.scratch.every((b) => b === 0)).toBe(true);
          const inRegion = (r: string) => {
            const f = group.regions;
            if (!f) return true;
            if (f.include && f.include.length > 0 && !f.include.some((x) => r.startsWith(x))) return false;
            if ((f.exclude ?? []).some((x) => r.startsWith(x))) return false;
            return !(f.outsideProjectRegion && r.startsWith('3301'));
          };
          const members = [...experts].sort((a, b) => (a.id < b.id ? -1 : 1)).filter((e) => e.specialties.some((s) => s.startsWith(group.specialty)));
          const filtered = members.filter((e) => inRegion(e.region));
          const eligible = filtered.filter((e) => expertExclusions(e, ctx).length === 0).map((e) => e.id);
          const excluded = filtered.filter((e) => expertExclusions(e, ctx).length > 0).map((e) => ({ id: e.id, reasons: expertExclusions(e, ctx) }));
          expect(prepared.membersCount).toBe(members.length);
          expect(Array.from({ length: prepared.size }, (_, i) => prepared.candidate(i).id)).toEqual(eligible);
          expect(prepared.excluded).toEqual(excluded);
          expect(prepared.excludedCount).toBe(excluded.length);
          expect(prepared.exclusionDigest).toBe(linesDigest(excluded.map((x) => exclusionLine(x.id, x.reasons.join(',')))));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('prepared groups share one shape: the lazy exclusion list is read through their common prototype, built once', () => {
    // A getter of its own per group (an object literal's) gave each group a hidden class in old space that kept the
    // group's arrays alive through young-generation collections; the shape is what keeps that from coming back.
    const experts: Expert[] = ['E1', 'E2', 'E3'].map((id, i) => ({ id, specialties: ['A0101'], region: '330106', employer: ORGS[i === 0 ? 0 : 3]!, status: 'active', suspendedUntil: null, unavailable: [], relations: [] }));
    const pool = new PoolIndex(experts, 1);
    const project: Project = { id: 'P', tenderer: ORGS[0]!, agency: ORGS[1]!, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: '2026-12-01T09:00:00+08:00', region: '330106' };
    const history = indexHistory([]);
    const ctx = conflictContext(project, DEFAULT_POLICY, history);
    const pre = preCheck(pool, project, ctx, history);
    const [a, b] = [0, 1].map((i) => prepareGroup({ specialty: 'A', count: 1 }, i, pool, project, DEFAULT_POLICY, ctx, pre));
    pre.release();
    expect(Object.getOwnPropertyDescriptor(a!, 'excluded')).toBeUndefined();
    expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
    expect(a!.excluded).toEqual([{ id: 'E1', reasons: ['EMPLOYER_IS_TENDERER'] }]);
    expect(a!.excluded).toBe(a!.excluded);
    expect([a!.size, a!.candidate(0).id, a!.candidate(1).id]).toEqual([2, 'E2', 'E3']);
  });

  it('a new pool version is read afresh: what a bucket kept for the old index does not carry over', () => {
    const expert = (id: string, status: Expert['status'], employer: string): Expert => ({ id, specialties: ['A0101'], region: '330106', employer, status, suspendedUntil: null, unavailable: [], relations: [] });
    const project: Project = { id: 'P', tenderer: ORGS[0]!, agency: ORGS[1]!, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: '2026-12-01T09:00:00+08:00', region: '330106' };
    const history = indexHistory([]);
    const excludedOn = (pool: PoolIndex) => {
      const ctx = conflictContext(project, DEFAULT_POLICY, history);
      const pre = preCheck(pool, project, ctx, history);
      try {
        return prepareGroup({ specialty: 'A', count: 1 }, 0, pool, project, DEFAULT_POLICY, ctx, pre).excluded;
      } finally {
        pre.release();
      }
    };
    // Same specialty, same day, same project: only the pool changes (E2 reinstated, E3 retired, E4 now at the tenderer).
    const v1 = new PoolIndex([expert('E1', 'active', ORGS[3]!), expert('E2', 'retired', ORGS[3]!), expert('E3', 'active', ORGS[3]!), expert('E4', 'active', ORGS[3]!)], 1);
    const v2 = new PoolIndex([expert('E1', 'active', ORGS[3]!), expert('E2', 'active', ORGS[3]!), expert('E3', 'retired', ORGS[3]!), expert('E4', 'active', ORGS[0]!)], 2);
    // Twice on each index: the first draw of an index scans its bucket, the second reads what the index keeps.
    const onV1 = [{ id: 'E2', reasons: ['RETIRED'] }];
    const onV2 = [
      { id: 'E3', reasons: ['RETIRED'] },
      { id: 'E4', reasons: ['EMPLOYER_IS_TENDERER'] },
    ];
    expect(excludedOn(v1)).toEqual(onV1);
    expect(excludedOn(v1)).toEqual(onV1);
    expect(excludedOn(v2)).toEqual(onV2);
    expect(excludedOn(v2)).toEqual(onV2);
    expect(excludedOn(v1)).toEqual(onV1);
  });
});

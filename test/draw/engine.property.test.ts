// Properties of the whole draw over random pools: determinism, exclusions honoured, no duplicates, counts, shortfall.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expert } from '../../src/domain/expert.js';
import { Policy } from '../../src/domain/policy.js';
import type { Project } from '../../src/domain/project.js';
import type { DrawRequest } from '../../src/domain/request.js';
import { conflictContext, expertExclusions } from '../../src/draw/conflicts.js';
import { COMMIT_ENTRY_TYPE } from '../../src/draw/commit.js';
import { buildCommit, prepareDraw, rankDraw, type DrawInput, type PreparedDraw } from '../../src/draw/engine.js';
import { runDraw, type EntropyInputs } from '../../src/draw/protocol.js';
import { deriveSeed, nonceHash } from '../../src/draw/seed.js';
import { EMPTY_HISTORY } from '../../src/draw/history.js';
import { InsufficientCandidatesError } from '../../src/errors.js';
import { encodeEntry, GENESIS_PREV, leafHash } from '../../src/log/entry.js';
import { syntheticUscc } from '../../src/pool/generator.js';
import { PoolIndex } from '../../src/draw/pool-index.js';
import { referenceRank } from './reference-ranking.js';

const ORGS = Array.from({ length: 10 }, (_, i) => syntheticUscc(i + 1));
const SPECIALTIES = ['A0101', 'A0102', 'A0201', 'B0101'];
const REQUESTABLE = ['A', 'A01', 'A0101', 'A0102', 'A0201', 'B0101'];

const expertArb = (i: number, n: number) =>
  fc.record({
    specialties: fc.subarray(SPECIALTIES, { minLength: 1 }),
    employer: fc.constantFrom(...ORGS),
    status: fc.constantFrom('active', 'active', 'active', 'active', 'suspended', 'blacklisted', 'retired'),
    unavailable: fc.boolean(),
    selfRelation: fc.option(fc.constantFrom(...ORGS.slice(0, 3)), { freq: 5 }),
    relative: fc.option(fc.integer({ min: 0, max: n - 1 }), { freq: 4 }),
  }).map((r): Expert => ({
    id: `E${String(i).padStart(3, '0')}`,
    specialties: r.specialties,
    region: '330106',
    employer: r.employer,
    status: r.status as Expert['status'],
    suspendedUntil: null,
    unavailable: r.unavailable ? ['2026-12-01'] : [],
    relations: [
      ...(r.selfRelation ? [{ kind: 'org' as const, holder: 'self' as const, role: 'adviser' as const, org: r.selfRelation, until: null }] : []),
      ...(r.relative !== null && r.relative !== i ? [{ kind: 'relative' as const, expertId: `E${String(r.relative).padStart(3, '0')}` }] : []),
    ],
  }));

const poolArb = fc.integer({ min: 12, max: 80 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => expertArb(i, n))));

const requestArb = fc.record({
  groups: fc.array(fc.record({ specialty: fc.constantFrom(...REQUESTABLE), count: fc.integer({ min: 1, max: 5 }), alternates: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 3 }),
});

const project: Project = {
  id: 'P-prop',
  tenderer: ORGS[0]!,
  agency: ORGS[1]!,
  bidders: [ORGS[2]!],
  avoid: [],
  preparedBy: ['E001'],
  bidOpeningAt: '2026-12-01T09:00:00+08:00',
  region: '330106',
};
// Committee rules are tested on their own; here any size is allowed so that the properties see every shape.
const policy = Policy.parse({ minCommitteeSize: 1, oddCommittee: false, minExpertShareNum: 0, alternatesPerGroup: 0, maxPerEmployerPerPanel: 2 });

const entropyArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(
  (nonce): EntropyInputs => ({ plan: { beacon: null, witnessCommitments: [] }, nonce, beaconRandomness: null, witnessReveals: [], time: '2026-12-01T00:00:00.000Z', prev: GENESIS_PREV }),
);

function inputOf(experts: Expert[], request: DrawRequest): DrawInput {
  return { drawId: 'D-prop', project, request, policy, pool: new PoolIndex(experts, 1), history: EMPTY_HISTORY };
}

type Outcome = ReturnType<typeof runDraw> | InsufficientCandidatesError;
function attempt(input: DrawInput, entropy: EntropyInputs): Outcome {
  try {
    return runDraw(input, entropy);
  } catch (err) {
    if (err instanceof InsufficientCandidatesError) return err;
    throw err;
  }
}

const RUNS = { numRuns: 300 };

describe('draw engine properties', () => {
  it('same inputs give the same commit, seed and result', () => {
    fc.assert(
      fc.property(poolArb, requestArb, entropyArb, (experts, req, entropy) => {
        const request: DrawRequest = { ...req, tendererRepresentatives: 0 };
        const a = attempt(inputOf(experts, request), entropy);
        const b = attempt(inputOf(structuredClone(experts), structuredClone(request)), entropy);
        if (a instanceof InsufficientCandidatesError) {
          expect(b).toBeInstanceOf(InsufficientCandidatesError);
          expect((b as InsufficientCandidatesError).groups).toEqual(a.groups);
          return;
        }
        expect(b).not.toBeInstanceOf(InsufficientCandidatesError);
        const bb = b as typeof a;
        expect(bb.commitEntryBytes.equals(a.commitEntryBytes)).toBe(true);
        expect(bb.seed.equals(a.seed)).toBe(true);
        expect(bb.result).toEqual(a.result);
      }),
      RUNS,
    );
  });

  it('ranks only eligible experts, never twice, in the counts asked, with no panel conflict', () => {
    fc.assert(
      fc.property(poolArb, requestArb, entropyArb, (experts, req, entropy) => {
        const request: DrawRequest = { ...req, tendererRepresentatives: 0 };
        const input = inputOf(experts, request);
        const out = attempt(input, entropy);
        fc.pre(!(out instanceof InsufficientCandidatesError));
        const o = out as Exclude<Outcome, InsufficientCandidatesError>;
        const ctx = conflictContext(project, policy, EMPTY_HISTORY);
        const byId = new Map(experts.map((e) => [e.id, e]));
        const all: string[] = [];
        o.result.groups.forEach((g, i) => {
          const asked = request.groups[i]!;
          expect(g.selected).toHaveLength(asked.count);
          expect(g.alternates).toHaveLength(Math.max(asked.alternates ?? 0, policy.alternatesPerGroup));
          for (const id of [...g.selected, ...g.alternates]) {
            const e = byId.get(id)!;
            expect(e.specialties.some((s) => s.startsWith(asked.specialty))).toBe(true);
            expect(expertExclusions(e, ctx)).toEqual([]);
            all.push(id);
          }
        });
        expect(new Set(all).size).toBe(all.length);
        const relatives = (id: string) => input.pool instanceof PoolIndex ? input.pool.get(id)!.relatives : [];
        for (const id of all) for (const r of relatives(id)) expect(all).not.toContain(r);
        const perEmployer = new Map<string, number>();
        for (const id of all) perEmployer.set(byId.get(id)!.employer, (perEmployer.get(byId.get(id)!.employer) ?? 0) + 1);
        for (const n of perEmployer.values()) expect(n).toBeLessThanOrEqual(policy.maxPerEmployerPerPanel);
      }),
      RUNS,
    );
  });

  it('agrees with a plain full-array implementation of the spec, shortfalls included', () => {
    fc.assert(
      fc.property(poolArb, requestArb, entropyArb, (experts, req, entropy) => {
        const request: DrawRequest = { ...req, tendererRepresentatives: 0 };
        const input = inputOf(experts, request);
        let prepared;
        try {
          prepared = prepareDraw(input);
        } catch (err) {
          // Early shortfall: every named group really has fewer eligible experts than it needs, and only those.
          expect(err).toBeInstanceOf(InsufficientCandidatesError);
          const ctx = conflictContext(project, policy, EMPTY_HISTORY);
          const short = request.groups
            .map((g, i) => {
              const eligible = experts.filter((e) => e.specialties.some((s) => s.startsWith(g.specialty)) && expertExclusions(e, ctx).length === 0).length;
              const need = g.count + Math.max(g.alternates ?? 0, policy.alternatesPerGroup);
              return { group: i, specialty: g.specialty, required: need, available: eligible, shortfall: need - eligible };
            })
            .filter((g) => g.shortfall > 0);
          expect((err as InsufficientCandidatesError).groups).toEqual(short);
          return;
        }
        const seed = seedOf(prepared, entropy);
        const ref = referenceRank(prepared.groups, seed, policy.maxPerEmployerPerPanel);
        let ranked;
        try {
          ranked = rankDraw(prepared, seed).result;
        } catch (err) {
          // Panel shortfall during ranking: exactly the groups the reference also leaves short.
          expect(err).toBeInstanceOf(InsufficientCandidatesError);
          const short = prepared.groups
            .map((g, i) => ({ group: i, specialty: g.specialty, required: g.count + g.alternates, available: ref[i]!.ranked.length }))
            .filter((g) => g.available < g.required)
            .map((g) => ({ ...g, shortfall: g.required - g.available }));
          expect((err as InsufficientCandidatesError).groups).toEqual(short);
          return;
        }
        expect(runDraw(input, entropy).result).toEqual(ranked);
        ranked.groups.forEach((g, i) => {
          expect([...g.selected, ...g.alternates]).toEqual(ref[i]!.ranked);
          expect(g.skipped).toEqual(ref[i]!.skipped);
        });
      }),
      RUNS,
    );
  });

  it('top-ups extend the order with eligible experts not yet ranked', () => {
    fc.assert(
      fc.property(poolArb, requestArb, entropyArb, fc.integer({ min: 1, max: 6 }), (experts, req, entropy, extra) => {
        const request: DrawRequest = { ...req, tendererRepresentatives: 0 };
        const out = attempt(inputOf(experts, request), entropy);
        fc.pre(!(out instanceof InsufficientCandidatesError));
        const o = out as Exclude<Outcome, InsufficientCandidatesError>;
        const ranked = new Set(o.result.groups.flatMap((g) => [...g.selected, ...g.alternates]));
        const more = o.sampler.extend(0, extra);
        expect(more.length).toBeLessThanOrEqual(extra);
        const g0 = o.prepared.groups[0]!;
        const eligible = new Set(Array.from({ length: g0.size }, (_, i) => g0.candidate(i).id));
        for (const id of more) {
          expect(ranked.has(id)).toBe(false);
          expect(eligible.has(id)).toBe(true);
          ranked.add(id);
        }
        // A shorter answer means the group is exhausted: asking again gives nothing.
        if (more.length < extra) expect(o.sampler.extend(0, 1)).toEqual([]);
      }),
      RUNS,
    );
  });
});

/** The seed exactly as runDraw derives it, step by step from the exported pieces. */
function seedOf(prepared: PreparedDraw, entropy: EntropyInputs): Buffer {
  const commit = buildCommit(prepared, entropy.plan, nonceHash(entropy.nonce));
  const leaf = leafHash(encodeEntry({ type: COMMIT_ENTRY_TYPE, time: entropy.time, prev: entropy.prev, payload: commit }));
  return deriveSeed(entropy.plan, commit.nonceHash, { nonce: entropy.nonce, commitLeafHash: leaf, beaconRandomness: null, witnessReveals: [] });
}

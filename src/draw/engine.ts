// The draw's pure parts (docs/draw-proof.md): candidates and digests, the commit payload, the ranking from a seed. No
// I/O, no clock, no randomness of its own. protocol.ts puts them in order with the seed and the entries.
import type { Policy } from '../domain/policy.js';
import type { Project } from '../domain/project.js';
import type { DrawRequest } from '../domain/request.js';
import { jcsHashHex } from '../crypto/canonical.js';
import { InsufficientCandidatesError, type GroupShortfall } from '../errors.js';
import { checkCommittee, preCheck, prepareGroup, type PreparedGroup } from './candidates.js';
import type { CommitPayload } from './commit.js';
import { conflictContext } from './conflicts.js';
import { ALGORITHM_ID } from './constants.js';
import type { HistoryIndex } from './history.js';
import { DrawSampler, type RankedGroup } from './sample.js';
import type { EntropyPlan } from './seed.js';
import type { PoolIndex } from './pool-index.js';

export interface DrawInput {
  readonly drawId: string;
  readonly project: Project;
  readonly request: DrawRequest;
  readonly policy: Policy;
  readonly pool: PoolIndex;
  readonly history: HistoryIndex;
}

export interface PreparedDraw {
  readonly input: DrawInput;
  readonly groups: readonly PreparedGroup[];
  readonly requestHash: string;
  readonly policyHash: string;
}

export interface DrawResult {
  readonly algorithm: typeof ALGORITHM_ID;
  readonly drawId: string;
  readonly groups: readonly RankedGroup[];
}

/** SHA-256 of JCS(policy), once per policy object (a service reuses one policy for many draws). */
const policyHashes = new WeakMap<Policy, string>();
function policyHash(policy: Policy): string {
  let h = policyHashes.get(policy);
  if (h === undefined) policyHashes.set(policy, (h = jcsHashHex(policy)));
  return h;
}

/** Committee rules, candidates and exclusions per group, digests. Fails before any commit if a group is short. */
export function prepareDraw(input: DrawInput): PreparedDraw {
  checkCommittee(input.request, input.policy);
  const ctx = conflictContext(input.project, input.policy, input.history);
  const pre = preCheck(input.pool, input.project, ctx, input.history);
  let groups: PreparedGroup[];
  try {
    groups = input.request.groups.map((g, i) => prepareGroup(g, i, input.pool, input.project, input.policy, ctx, pre));
  } finally {
    pre.release();
  }
  // A group with fewer eligible candidates than it needs can never be filled: refuse before committing.
  const short: GroupShortfall[] = [];
  for (const g of groups) {
    const required = g.count + g.alternates;
    if (g.size < required) {
      short.push({ group: g.index, specialty: g.specialty, required, available: g.size, shortfall: required - g.size });
    }
  }
  if (short.length > 0) throw new InsufficientCandidatesError(short);
  return {
    input,
    groups,
    requestHash: jcsHashHex({ project: input.project, request: input.request }),
    policyHash: policyHash(input.policy),
  };
}

export function buildCommit(prepared: PreparedDraw, plan: EntropyPlan, committedNonceHash: string, follows: readonly string[] = []): CommitPayload {
  return {
    algorithm: ALGORITHM_ID,
    drawId: prepared.input.drawId,
    projectId: prepared.input.project.id,
    requestHash: prepared.requestHash,
    policyHash: prepared.policyHash,
    poolVersion: prepared.input.pool.version,
    groups: prepared.groups.map((g) => ({
      specialty: g.specialty,
      count: g.count,
      alternates: g.alternates,
      membersCount: g.membersCount,
      membersDigest: g.membersDigest,
      eligibleCount: g.size,
      excludedCount: g.excludedCount,
      exclusionDigest: g.exclusionDigest,
    })),
    entropy: plan,
    nonceHash: committedNonceHash,
    // Only a re-draw names what it follows: a first draw's commit is as it always was.
    ...(follows.length > 0 ? { follows: [...follows] } : {}),
  };
}

/** Ranks every group from the seed; the sampler stays usable for top-ups (extend). */
export function rankDraw(prepared: PreparedDraw, seed: Uint8Array): { result: DrawResult; sampler: DrawSampler } {
  const sampler = new DrawSampler(prepared.groups, seed, prepared.input.policy.maxPerEmployerPerPanel);
  const groups = sampler.rank();
  return { result: { algorithm: ALGORITHM_ID, drawId: prepared.input.drawId, groups }, sampler };
}

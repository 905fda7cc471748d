// The draw, step by step (docs/draw-proof.md). Pure: no I/O, no clock, no randomness of its own — the nonce, the
// time and the previous log hash come in as arguments, so the service, tests, benchmark and verifier agree.
import type { Policy } from '../domain/policy.js';
import type { Project } from '../domain/project.js';
import type { DrawRequest } from '../domain/request.js';
import { jcsHashHex } from '../crypto/canonical.js';
import { InsufficientCandidatesError, type GroupShortfall } from '../errors.js';
import { encodeEntry, leafHash, type LogEntry } from '../log/entry.js';
import { checkCommittee, preCheck, prepareGroup, type PreparedGroup } from './candidates.js';
import { COMMIT_ENTRY_TYPE, type CommitPayload } from './commit.js';
import { conflictContext } from './conflicts.js';
import { ALGORITHM_ID } from './constants.js';
import type { HistoryIndex } from './history.js';
import { DrawSampler, type RankedGroup } from './sample.js';
import { assuranceOf, deriveSeed, nonceHash, type Assurance, type EntropyPlan } from './seed.js';
import type { PoolIndex } from '../pool/pool-index.js';

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

export function buildCommit(prepared: PreparedDraw, plan: EntropyPlan, committedNonceHash: string): CommitPayload {
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
      excludedCount: g.excluded.length,
      exclusionDigest: g.exclusionDigest,
    })),
    entropy: plan,
    nonceHash: committedNonceHash,
  };
}

/** Ranks every group from the seed; the sampler stays usable for top-ups (extend). */
export function rankDraw(prepared: PreparedDraw, seed: Uint8Array): { result: DrawResult; sampler: DrawSampler } {
  const sampler = new DrawSampler(prepared.groups, seed, prepared.input.policy.maxPerEmployerPerPanel);
  const groups = sampler.rank();
  return { result: { algorithm: ALGORITHM_ID, drawId: prepared.input.drawId, groups }, sampler };
}

export interface EntropyInputs {
  readonly plan: EntropyPlan;
  /** 32 fresh random bytes from the caller (the service uses crypto.randomBytes). */
  readonly nonce: Uint8Array;
  readonly beaconRandomness: Uint8Array | null;
  readonly witnessReveals: readonly Uint8Array[];
  /** Time stamp of the commit entry. */
  readonly time: string;
  /** Leaf hash of the log's previous entry. */
  readonly prev: string;
}

export interface DrawOutcome {
  readonly prepared: PreparedDraw;
  readonly commit: CommitPayload;
  readonly commitEntry: LogEntry<CommitPayload>;
  readonly commitEntryBytes: Buffer;
  readonly commitLeafHash: Buffer;
  readonly assurance: Assurance;
  readonly seed: Buffer;
  readonly result: DrawResult;
  readonly sampler: DrawSampler;
}

/**
 * The whole protocol in one call, for callers that hold all entropy at once (immediate draws, tests, benchmark,
 * vectors). The service splits it: it appends the commit entry durably before it asks for a beacon or reveals.
 */
export function runDraw(input: DrawInput, entropy: EntropyInputs): DrawOutcome {
  // 1. Candidates, exclusions and digests: everything the draw reads.
  const prepared = prepareDraw(input);
  // 2. Commit to it, and to the nonce, before the seed exists.
  const commit = buildCommit(prepared, entropy.plan, nonceHash(entropy.nonce));
  const commitEntry: LogEntry<CommitPayload> = { type: COMMIT_ENTRY_TYPE, time: entropy.time, prev: entropy.prev, payload: commit };
  const commitEntryBytes = encodeEntry(commitEntry);
  const commitLeafHash = leafHash(commitEntryBytes);
  // 3. The seed binds the commit's leaf hash, so no input can change after the fact without changing the seed.
  const seed = deriveSeed(entropy.plan, commit.nonceHash, {
    nonce: entropy.nonce,
    commitLeafHash,
    beaconRandomness: entropy.beaconRandomness,
    witnessReveals: entropy.witnessReveals,
  });
  // 4. Rank selected and alternates.
  const { result, sampler } = rankDraw(prepared, seed);
  return { prepared, commit, commitEntry, commitEntryBytes, commitLeafHash, assurance: assuranceOf(entropy.plan), seed, result, sampler };
}

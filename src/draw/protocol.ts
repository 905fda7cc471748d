// The draw protocol v1 as named steps (docs/draw-proof.md), the one sequence the service, the demo, the vectors and
// the benchmarks follow. Pure: the caller brings the nonce, the salt and the entropy, and makes each entry durable in
// between — begin's commit before finish may run (the seed binds the commit entry's leaf hash).
import { jcsHashHex } from '../crypto/canonical.js';
import type { SealedBox } from '../crypto/sealing.js';
import { extensionSize } from './constants.js';
import { buildCommit, prepareDraw, rankDraw, type DrawInput, type DrawResult, type PreparedDraw } from './engine.js';
import { commitPayloadHash } from './commit.js';
import { COMMIT_ENTRY_TYPE, resultCommitment, type BeaconRoundRecord, type CommitPayload, type ResultPayload } from './entries.js';
import { encodeEntry, leafHash, type LogEntry } from '../log/entry.js';
import type { DrawSampler } from './sample.js';
import { assuranceOf, deriveSeed, isPlanned, nonceHash, type Assurance, type EntropyPlan } from './seed.js';

/** After begin: what the draw reads, and the commit entry's payload. The nonce stays secret until disclosure. */
export interface Begun {
  readonly prepared: PreparedDraw;
  readonly plan: EntropyPlan;
  readonly nonce: Uint8Array;
  readonly commit: CommitPayload;
  readonly assurance: Assurance;
}

/** After finish: the seed and the ranking; the sampler continues the same stream for top-ups (§9). */
export interface Finished {
  readonly seed: Buffer;
  readonly result: DrawResult;
  readonly sampler: DrawSampler;
}

/** What the draw seals at once and publishes at disclosure (§10). */
export interface SealedCore {
  readonly result: DrawResult;
  /** 32 bytes, hex: the salt of the result's commitment. */
  readonly salt: string;
  /** 32 bytes, hex: the server nonce the commit holds the hash of. */
  readonly nonce: string;
  /** Per group, the stream continued past the alternates: the top-ups, fixed by the seed at the moment of the draw. */
  readonly extension: ReadonlyArray<readonly string[]>;
}

/** The entropy that arrives after the commit: a beacon round's randomness, witnesses' reveals in commitment order. */
export interface LateEntropy {
  readonly beaconRandomness: Uint8Array | null;
  readonly witnessReveals: readonly Uint8Array[];
}

export const NO_LATE_ENTROPY: LateEntropy = { beaconRandomness: null, witnessReveals: [] };

/** The entropy plan of a draw the server's nonce alone seeds: `operator` assurance (§11). */
export const OPERATOR_ENTROPY: EntropyPlan = { beacon: null, witnessCommitments: [] };

/**
 * Step 1 (§4–§5): candidates, exclusions and digests, and the commit to them and to H(nonce), before any randomness
 * exists; a re-draw's commit names the project's earlier draws that ended after their commit (`follows`). Throws
 * InsufficientCandidatesError (nothing to commit) when a group cannot be filled.
 */
export function begin(input: DrawInput, plan: EntropyPlan, nonce: Uint8Array, follows: readonly string[] = []): Begun {
  const prepared = prepareDraw(input);
  return { prepared, plan, nonce, commit: buildCommit(prepared, plan, nonceHash(nonce), follows), assurance: assuranceOf(plan) };
}

/**
 * The same preparation under another entropy plan: a beacon draw names its round only once its commit entry's time is
 * known (the first round published after it), so its plan is set as the entry is built.
 */
export function withPlan(begun: Begun, plan: EntropyPlan): Begun {
  return { ...begun, plan, commit: { ...begun.commit, entropy: plan }, assurance: assuranceOf(plan) };
}

/**
 * Step 2 (§6–§9), once the commit entry is durable: the seed binds its leaf hash (a planned draw's, the commit payload's
 * hash instead: §6.2); the ranking follows from the seed.
 */
export function finish(begun: Begun, commitLeafHash: Uint8Array | null, late: LateEntropy = NO_LATE_ENTROPY): Finished {
  // Only a planned draw hashes its payload: an operator draw's hot path stays as it was.
  const payloadHash = isPlanned(begun.plan) ? { commitPayloadHash: commitPayloadHash(begun.commit) } : {};
  const seed = deriveSeed(begun.plan, begun.commit.nonceHash, { nonce: begun.nonce, ...(commitLeafHash ? { commitLeafHash } : {}), ...payloadHash, ...late });
  const { result, sampler } = rankDraw(begun.prepared, seed);
  return { seed, result, sampler };
}

/**
 * Step 2 of a planned draw (§6.2): its seed binds the commit payload's hash, never the commit entry, so the ranking
 * exists before the commit is durable and the commit and the result can be appended together (§6.3).
 */
export function finishPlanned(begun: Begun, late: LateEntropy): Finished {
  if (!isPlanned(begun.plan)) throw new Error('finishPlanned needs a planned draw: an unplanned seed binds its commit entry');
  return finish(begun, null, late);
}

/** Step 3 (§10): what is sealed, with the extension drawn from the stream now (it consumes the sampler's next places). */
export function sealable(begun: Begun, finished: Finished, salt: Uint8Array): SealedCore {
  const extension = finished.result.groups.map((g, i) => finished.sampler.extend(i, extensionSize(g.selected.length)));
  return { result: finished.result, salt: Buffer.from(salt).toString('hex'), nonce: Buffer.from(begun.nonce).toString('hex'), extension };
}

/**
 * Step 4 (§10): the result entry's payload — the salted commitment to the result, the hash of its sealed box and the
 * counts; never an expert id. The caller has sealed `sealable` and appends this entry.
 */
export function resultEntry(begun: Begun, result: DrawResult, at: { commitIndex: number; salt: Uint8Array; sealed: SealedBox; sealedTo?: { site: string; fingerprint: string }; beacon?: BeaconRoundRecord }): ResultPayload {
  return {
    drawId: begun.commit.drawId,
    projectId: begun.commit.projectId,
    commitIndex: at.commitIndex,
    resultHash: resultCommitment(at.salt, result),
    sealedHash: sealedHash(at.sealed),
    groups: result.groups.map((g) => ({ selected: g.selected.length, alternates: g.alternates.length, skipped: g.skipped.length })),
    ...(at.sealedTo ? { sealedTo: at.sealedTo } : {}),
    ...(at.beacon ? { beacon: at.beacon } : {}),
  };
}

/** SHA-256 of the sealed box's canonical JSON, as the result entry records it. */
export function sealedHash(sealed: SealedBox): string {
  return jcsHashHex(sealed);
}

/** Everything at once, for a caller that holds all the entropy (tests, vectors, benchmarks): the commit entry in memory. */
export interface EntropyInputs extends LateEntropy {
  readonly plan: EntropyPlan;
  /** 32 fresh random bytes from the caller (the service uses crypto.randomBytes). */
  readonly nonce: Uint8Array;
  /** Time stamp of the commit entry. */
  readonly time: string;
  /** Leaf hash of the log's previous entry. */
  readonly prev: string;
  /** A re-draw: the project's earlier draws that ended after their commit, oldest first (§5 `follows`). */
  readonly follows?: readonly string[];
}

export interface DrawOutcome extends Finished {
  readonly prepared: PreparedDraw;
  readonly commit: CommitPayload;
  readonly commitEntry: LogEntry<CommitPayload>;
  readonly commitEntryBytes: Buffer;
  readonly commitLeafHash: Buffer;
  readonly assurance: Assurance;
}

/** The whole protocol in one call: begin, the commit entry as the log would encode it, finish. */
export function runDraw(input: DrawInput, entropy: EntropyInputs): DrawOutcome {
  const begun = begin(input, entropy.plan, entropy.nonce, entropy.follows ?? []);
  const commitEntry: LogEntry<CommitPayload> = { type: COMMIT_ENTRY_TYPE, time: entropy.time, prev: entropy.prev, payload: begun.commit };
  const commitEntryBytes = encodeEntry(commitEntry);
  const commitLeafHash = leafHash(commitEntryBytes);
  const finished = finish(begun, commitLeafHash, entropy);
  return { ...finished, prepared: begun.prepared, commit: begun.commit, commitEntry, commitEntryBytes, commitLeafHash, assurance: begun.assurance };
}

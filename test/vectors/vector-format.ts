// Shape of a draw test vector (docs/draw-proof.md §12), and the check that runs one against the engine.
import type { ExpertInput } from '../../src/domain/expert.js';
import { Expert } from '../../src/domain/expert.js';
import { Policy, type PolicyInput } from '../../src/domain/policy.js';
import { Project, type ProjectInput } from '../../src/domain/project.js';
import { DrawRequest, type DrawRequestInput } from '../../src/domain/request.js';
import { runDraw } from '../../src/draw/protocol.js';
import { HistoryEntry, indexHistory } from '../../src/draw/history.js';
import { commitPayloadHash } from '../../src/draw/commit.js';
import { isPlanned, seedMessage } from '../../src/draw/seed.js';
import { CounterStream } from '../../src/draw/stream.js';
import { AppError, InsufficientCandidatesError } from '../../src/errors.js';
import { PoolIndex } from '../../src/draw/pool-index.js';

export interface VectorInput {
  drawId: string;
  poolVersion: number;
  experts: ExpertInput[];
  history: HistoryEntry[];
  project: ProjectInput;
  request: DrawRequestInput;
  policy: PolicyInput;
  entropy: {
    /** `planIndex` only for a planned draw (§6.2): its seed binds SHA-256(JCS(commit payload)). */
    plan: { beacon: { chain: string; round: number } | null; witnessCommitments: string[]; planIndex?: number };
    nonce: string;
    beaconRandomness: string | null;
    witnessReveals: string[];
    time: string;
    prev: string;
    /** A re-draw only (§5): the draw ids its commit `follows`. */
    follows?: string[];
  };
  /** Top-ups after ranking: further replacements from the same stream. */
  extend?: Array<{ group: number; count: number }>;
}

export interface VectorExpected {
  requestHash: string;
  policyHash: string;
  groups: Array<{
    membersCount: number;
    membersDigest: string;
    eligibleCount: number;
    excludedCount: number;
    exclusionDigest: string;
    excluded: Array<{ id: string; reasons: string[] }>;
  }>;
  commitEntry: string;
  commitLeafHash: string;
  /** A planned draw only (§6.2): SHA-256(JCS(commit payload)), what its seed message binds. */
  commitPayloadHash?: string;
  seedMessage: string;
  seed: string;
  firstStreamBlocks: string[];
  assurance: string;
  result: { groups: Array<{ selected: string[]; alternates: string[]; skipped: Array<{ id: string; reason: string }> }> };
  extended?: string[][];
}

export interface VectorError {
  code: string;
  groups?: Array<{ group: number; specialty: string; required: number; available: number; shortfall: number }>;
}

export interface Vector {
  name: string;
  description: string;
  input: VectorInput;
  expected: VectorExpected | { error: VectorError };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** First 32-byte block of each group's stream, to help a reimplementer find where they diverge. */
function firstBlocks(seed: Uint8Array, groups: number): string[] {
  return Array.from({ length: groups }, (_, g) => {
    const s = new CounterStream(seed, g);
    const words = Array.from({ length: 8 }, () => s.nextWord());
    return Buffer.concat(words.map((w) => { const b = Buffer.alloc(4); b.writeUInt32BE(w); return b; })).toString('hex');
  });
}

/** Runs a vector's input through the engine and returns what it produces, in the vector's expected shape. */
export function computeExpected(input: VectorInput): VectorExpected | { error: VectorError } {
  const pool = new PoolIndex(input.experts.map((e) => Expert.parse(e)), input.poolVersion);
  const request = DrawRequest.parse(input.request);
  const e = input.entropy;
  try {
    const out = runDraw(
      { drawId: input.drawId, project: Project.parse(input.project), request, policy: Policy.parse(input.policy), pool, history: indexHistory(input.history.map((h) => HistoryEntry.parse(h))) },
      {
        plan: e.plan,
        nonce: Buffer.from(e.nonce, 'hex'),
        beaconRandomness: e.beaconRandomness === null ? null : Buffer.from(e.beaconRandomness, 'hex'),
        witnessReveals: e.witnessReveals.map((r) => Buffer.from(r, 'hex')),
        time: e.time,
        prev: e.prev,
        ...(e.follows ? { follows: e.follows } : {}),
      },
    );
    const planned = isPlanned(e.plan);
    const payloadHash = planned ? commitPayloadHash(out.commit) : null;
    const expected: VectorExpected = {
      requestHash: out.prepared.requestHash,
      policyHash: out.prepared.policyHash,
      groups: out.prepared.groups.map((g) => ({
        membersCount: g.membersCount,
        membersDigest: g.membersDigest,
        eligibleCount: g.size,
        excludedCount: g.excluded.length,
        exclusionDigest: g.exclusionDigest,
        excluded: g.excluded.map((x) => ({ id: x.id, reasons: [...x.reasons] })),
      })),
      commitEntry: out.commitEntryBytes.toString('utf8'),
      commitLeafHash: hex(out.commitLeafHash),
      ...(planned ? { commitPayloadHash: hex(payloadHash!) } : {}),
      seedMessage: hex(seedMessage({ nonce: Buffer.from(e.nonce, 'hex'), commitLeafHash: out.commitLeafHash, ...(payloadHash ? { commitPayloadHash: payloadHash } : {}), beaconRandomness: e.beaconRandomness === null ? null : Buffer.from(e.beaconRandomness, 'hex'), witnessReveals: e.witnessReveals.map((r) => Buffer.from(r, 'hex')) }, planned)),
      seed: hex(out.seed),
      firstStreamBlocks: firstBlocks(out.seed, request.groups.length),
      assurance: out.assurance,
      result: { groups: out.result.groups.map((g) => ({ selected: g.selected, alternates: g.alternates, skipped: g.skipped.map((s) => ({ id: s.id, reason: s.reason })) })) },
    };
    if (input.extend) expected.extended = input.extend.map((x) => out.sampler.extend(x.group, x.count));
    return expected;
  } catch (err) {
    if (err instanceof InsufficientCandidatesError) return { error: { code: err.code, groups: err.groups.map((g) => ({ ...g })) } };
    if (err instanceof AppError) return { error: { code: err.code } };
    throw err;
  }
}

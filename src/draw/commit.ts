// The commit payload (§5): everything the draw will read, bound before any randomness exists.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { jcs } from '../crypto/canonical.js';
import { Hex32 } from '../domain/primitives.js';
import { ALGORITHM_ID } from './constants.js';
import { EntropyPlan } from './seed.js';

export const CommitGroup = z
  .object({
    specialty: z.string().describe('Requested specialty code'),
    count: z.int().describe('Experts to select'),
    alternates: z.int().describe('Ranked alternates'),
    membersCount: z.int().describe('Pool members holding a code under the specialty'),
    membersDigest: Hex32.describe('SHA-256 of their member lines (§4)'),
    eligibleCount: z.int().describe('Members in the region filter and not excluded'),
    excludedCount: z.int().describe('Members in the region filter excluded by recusal rules 1–6'),
    exclusionDigest: Hex32.describe('SHA-256 of the exclusion lines (§4)'),
  })
  .strict();

export const CommitPayload = z
  .object({
    algorithm: z.literal(ALGORITHM_ID).describe('Draw algorithm id'),
    drawId: z.string().describe('Draw id'),
    projectId: z.string().describe('Project id'),
    requestHash: Hex32.describe('SHA-256 of JCS({project, request})'),
    policyHash: Hex32.describe('SHA-256 of JCS(policy)'),
    poolVersion: z.int().min(0).describe('Pool version the candidates come from'),
    groups: z.array(CommitGroup).describe('Per group, in request order'),
    entropy: EntropyPlan,
    nonceHash: Hex32.describe('SHA-256 of the 32-byte server nonce'),
    follows: z
      .array(z.string())
      .min(1)
      .optional()
      .describe('A re-draw: the draw ids of the project’s earlier draws that ended after their commit, oldest first; absent on a first draw'),
  })
  .strict();

export type CommitGroup = z.infer<typeof CommitGroup>;
export type CommitPayload = z.infer<typeof CommitPayload>;

/** Log entry type of a draw commit. */
export const COMMIT_ENTRY_TYPE = 'draw.commit';

/** SHA-256(JCS(commit payload)): what a planned draw's seed binds (§6.2), fixed by the committed inputs alone. */
export function commitPayloadHash(payload: CommitPayload): Buffer {
  return createHash('sha256').update(jcs(payload)).digest();
}

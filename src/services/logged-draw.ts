// The demo's draw (no project, no sealing): commit durable before the seed, then a result commitment. The service's
// draws go through draw.service.ts, which adds the project guard and the sealed result.
import { createHash, randomBytes } from 'node:crypto';
import { jcs } from '../crypto/canonical.js';
import { COMMIT_ENTRY_TYPE } from '../draw/commit.js';
import { buildCommit, prepareDraw, rankDraw, type DrawInput, type DrawResult } from '../draw/engine.js';
import { deriveSeed, nonceHash, type Assurance, type EntropyPlan } from '../draw/seed.js';
import { assuranceOf } from '../draw/seed.js';
import type { Appended, AuditLog } from '../log/audit-log.js';
import { encodeEntry } from '../log/entry.js';
import { RESULT_ENTRY_TYPE } from '../draw/constants.js';


export interface LoggedDraw {
  readonly commit: Appended;
  readonly result: Appended;
  readonly assurance: Assurance;
  /** Held by the caller only until it is sealed (a later issue); never logged. */
  readonly ranking: DrawResult;
}

/**
 * Operator-level draw (nonce only): commit → durable → seed → ranking → result commitment. The result entry holds
 * counts and H(salt ‖ JCS(result)) only: no expert id leaves the process through the log.
 */
export async function drawWithLog(log: AuditLog, input: DrawInput): Promise<LoggedDraw> {
  // Everything the draw reads, before any randomness exists.
  const prepared = prepareDraw(input);
  const nonce = randomBytes(32);
  const plan: EntropyPlan = { beacon: null, witnessCommitments: [] };
  const payload = buildCommit(prepared, plan, nonceHash(nonce));
  // The seed binds the commit's leaf hash, known only once the log has placed (and stored) the entry.
  const commit = await log.appendWith((prev, time) => encodeEntry({ type: COMMIT_ENTRY_TYPE, time, prev, payload }));
  const seed = deriveSeed(plan, payload.nonceHash, { nonce, commitLeafHash: commit.leafHash, beaconRandomness: null, witnessReveals: [] });
  const { result: ranking } = rankDraw(prepared, seed);
  const salt = randomBytes(32);
  const resultHash = createHash('sha256').update(salt).update(jcs(ranking)).digest('hex');
  const result = await log.append(RESULT_ENTRY_TYPE, {
    drawId: input.drawId,
    commitIndex: commit.index,
    resultHash,
    groups: ranking.groups.map((g) => ({ selected: g.selected.length, alternates: g.alternates.length, skipped: g.skipped.length })),
  });
  return { commit, result, assurance: assuranceOf(plan), ranking };
}

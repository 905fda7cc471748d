// The draw protocol's log entries (docs/draw-proof.md §5, §10, §11): their payload schemas, shared by the writers
// (the draw service) and the offline verifier, and the result commitment both compute.
import { z } from 'zod';
import { jcs, sha256Hex } from '../crypto/canonical.js';
import { Hex32 } from '../domain/primitives.js';
import { COMMIT_ENTRY_TYPE, CommitPayload } from './commit.js';
import { ABORTED_ENTRY_TYPE, ALGORITHM_ID, DEPOSIT_ENTRY_TYPE, FAILED_ENTRY_TYPE, LINES_ENTRY_TYPE, PLANNED_ENTRY_TYPE, RESULT_ENTRY_TYPE, REVEAL_ENTRY_TYPE, WITNESS_MAX_BYTES, WITNESS_MIN_BYTES } from './constants.js';

export { ABORTED_ENTRY_TYPE, COMMIT_ENTRY_TYPE, CommitPayload, DEPOSIT_ENTRY_TYPE, FAILED_ENTRY_TYPE, LINES_ENTRY_TYPE, PLANNED_ENTRY_TYPE, RESULT_ENTRY_TYPE, REVEAL_ENTRY_TYPE };

/** A witness's secret, lower-case hex of 16 to 64 bytes (§6). */
export const WitnessSecretHex = z
  .string()
  .regex(new RegExp(`^(?:[0-9a-f]{2}){${WITNESS_MIN_BYTES},${WITNESS_MAX_BYTES}}$`))
  .describe(`A witness secret: ${WITNESS_MIN_BYTES} to ${WITNESS_MAX_BYTES} bytes, lower-case hex`);

/** What a planned draw asks of its witnesses (the policy's `witnesses`, §6.2). */
export const WitnessRequirement = z
  .object({
    required: z.int().min(1).describe('Deposits the draw needs'),
    onShort: z.enum(['fail', 'operator']).describe('Fewer deposits at the draw: fail (WITNESS_MISSING) or draw with those there are, at the assurance they give'),
  })
  .strict();
export type WitnessRequirement = z.infer<typeof WitnessRequirement>;

/**
 * A planned draw (§6.2), logged at scheduling: the draw id and H(nonce) its commit will carry, and until when witnesses
 * may deposit. `replaces`: the plan it ends (a rescheduled project's); the old plan's deposits do not carry over.
 */
export const PlannedPayload = z
  .object({
    projectId: z.string(),
    drawId: z.string(),
    nonceHash: Hex32.describe('SHA-256 of the 32-byte nonce the draw’s commit will name'),
    depositsCloseAt: z.string().describe('Deposits logged at or after this instant (ISO 8601 UTC, the draw’s due time) do not count'),
    witnesses: WitnessRequirement,
    replaces: z.string().optional().describe('The draw id of the plan this one replaces'),
  })
  .strict();
export type PlannedPayload = z.infer<typeof PlannedPayload>;

/** A witness's deposit for a planned draw: the commitment to a secret the service keeps sealed until the draw. */
export const DepositPayload = z
  .object({
    projectId: z.string(),
    drawId: z.string().describe('The planned draw (its draw.planned entry names it)'),
    witness: z.object({ user: z.string(), role: z.string() }).strict().describe('Who deposited: the account and its role'),
    commitment: Hex32.describe('SHA-256 of the secret’s bytes'),
  })
  .strict();
export type DepositPayload = z.infer<typeof DepositPayload>;

/**
 * A draw that failed: its error code and details (for INSUFFICIENT_CANDIDATES, `{groups: [{group, specialty, required,
 * available, shortfall}]}`); after its commit (`committed`), with the nonce that opens it.
 */
export const FailedPayload = z
  .object({ drawId: z.string(), projectId: z.string(), code: z.string(), details: z.unknown(), committed: z.boolean(), nonce: Hex32.optional(), witnessReveals: z.array(WitnessSecretHex).optional() })
  .strict();
export type FailedPayload = z.infer<typeof FailedPayload>;

/** A committed draw whose holder died before its result: aborted, with the nonce that opens it. */
export const AbortedPayload = z.object({ drawId: z.string(), projectId: z.string(), reason: z.string(), nonce: Hex32.optional(), witnessReveals: z.array(WitnessSecretHex).optional() }).strict();
export type AbortedPayload = z.infer<typeof AbortedPayload>;
/** The reason the stale check writes in a `draw.aborted` entry (the console names it in the reader's language). */
export const STALE_ABORT_REASON = 'no result before the lease expired';

/** A drand round as the service verified it before deriving the seed: what an inspector re-verifies offline. */
export const BeaconRoundRecord = z
  .object({
    chain: Hex32.describe('Chain hash: the commit plan’s'),
    round: z.int().min(1).describe('The round the commit plan names'),
    randomness: Hex32.describe('SHA-256(signature): the 32 bytes that entered the seed (§6)'),
    signature: z.string().regex(/^(?:[0-9a-f]{2})+$/).describe('The round’s BLS signature, hex'),
    previousSignature: z.string().regex(/^(?:[0-9a-f]{2})+$/).optional().describe('Chained schemes: the previous round’s signature, part of the signed message'),
  })
  .strict();
export type BeaconRoundRecord = z.infer<typeof BeaconRoundRecord>;

/** The result entry: the sealed result's commitment and counts; never an expert id. */
export const ResultPayload = z
  .object({
    drawId: z.string(),
    projectId: z.string(),
    commitIndex: z.int().describe('Log index of the draw’s commit entry'),
    resultHash: Hex32.describe('SHA-256(salt ‖ JCS(result)): resultCommitment()'),
    sealedHash: Hex32.describe('SHA-256 of JCS(sealed box)'),
    groups: z.array(z.object({ selected: z.int(), alternates: z.int(), skipped: z.int() }).strict()),
    sealedTo: z.object({ site: z.string(), fingerprint: z.string() }).strict().optional().describe('A remote site that can open the seal too'),
    beacon: BeaconRoundRecord.optional().describe('A beacon draw: the round its seed read'),
  })
  .strict();
export type ResultPayload = z.infer<typeof ResultPayload>;

/** The ranking as sealed and, at disclosure, revealed (engine.ts DrawResult). */
export const RevealedResult = z
  .object({
    algorithm: z.literal(ALGORITHM_ID),
    drawId: z.string(),
    groups: z.array(
      z
        .object({
          index: z.int(),
          specialty: z.string(),
          selected: z.array(z.string()),
          alternates: z.array(z.string()),
          skipped: z.array(z.object({ id: z.string(), reason: z.string() }).strict()),
        })
        .strict(),
    ),
  })
  .strict();

/** The facts of a reveal: four lists of lines, each sorted ascending (UTF-16 code units) without repeats. */
export const RevealFacts = z
  .object({
    status: z.array(z.string()).describe('`id TAB status TAB suspendedUntil LF` of each member not active (suspendedUntil empty unless suspended until a date)'),
    unavailable: z.array(z.string()).describe('`id LF` of each member whose declared unavailable dates hold the reference date'),
    positions: z.array(z.string()).describe('`id TAB holder TAB org TAB until LF` of each org relation at a party of the project (until empty when ongoing)'),
    selections: z.array(z.string()).describe('`id TAB drawId TAB at TAB tenderer LF` of each past selection inside a frequency window'),
  })
  .strict();
export type RevealFacts = z.infer<typeof RevealFacts>;

/** Each group's member and exclusion lines (§4), in the commit's group order. */
const RevealGroups = z.array(z.object({ index: z.int(), specialty: z.string(), members: z.array(z.string()), exclusions: z.array(z.string()) }).strict());

/** The reveal entry at disclosure: everything an inspector needs to recompute the draw offline. */
export const RevealPayload = z
  .object({
    drawId: z.string(),
    projectId: z.string(),
    commitIndex: z.int(),
    resultIndex: z.int(),
    nonce: Hex32,
    salt: Hex32,
    // A witnessed draw only: the deposited secrets in the commit's order (§6.2); with them the seed is checked offline.
    witnessReveals: z.array(WitnessSecretHex).optional().describe('The witnesses’ secrets, in the order of the commit’s witnessCommitments'),
    result: RevealedResult,
    extension: z.array(z.array(z.string())),
    groups: RevealGroups,
    // Absent from reveals written before the facts were published: their rules 2, 3, 5 and 6 are then not verifiable.
    facts: RevealFacts.optional().describe('What recusal rules 2, 3, 5 and 6 read, per member (§10.2)'),
    // Kept as written: their hashes are checked against the commit byte for byte, then they are parsed.
    project: z.unknown(),
    request: z.unknown(),
    policy: z.unknown(),
    by: z.string(),
  })
  .strict();
export type RevealPayload = z.infer<typeof RevealPayload>;

/**
 * An abandoned draw's lines (§11), logged with the disclosure of the draw that followed it (`disclosedWith`) when its
 * commit bound other inputs than that draw's: the reveal's lines, facts, project, request and policy, as the abandoned
 * draw read them. Its nonce is in its end entry; it has no result.
 */
export const LinesPayload = z
  .object({
    drawId: z.string(),
    projectId: z.string(),
    commitIndex: z.int().describe('Log index of the abandoned draw’s commit'),
    endIndex: z.int().describe('Log index of its draw.failed or draw.aborted entry'),
    disclosedWith: z.string().describe('The draw whose disclosure published these lines'),
    groups: RevealGroups,
    facts: RevealFacts,
    project: z.unknown(),
    request: z.unknown(),
    policy: z.unknown(),
    by: z.string(),
  })
  .strict();
export type LinesPayload = z.infer<typeof LinesPayload>;

/**
 * Each group's ranking as the roster calls down it (§10.2): selected, alternates, then the stream's extension. Read from
 * a reveal payload, or from the sealed content at the draw (the same fields).
 */
export function rankings(r: { readonly result: { readonly groups: ReadonlyArray<{ readonly selected: readonly string[]; readonly alternates: readonly string[] }> }; readonly extension: ReadonlyArray<readonly string[]> }): string[][] {
  return r.result.groups.map((g, i) => [...g.selected, ...g.alternates, ...(r.extension[i] ?? [])]);
}

/** The result's commitment (§10): SHA-256 over the 32 salt bytes, then the result's canonical JSON; lower-case hex. */
export function resultCommitment(salt: Uint8Array, result: unknown): string {
  return sha256Hex(Buffer.concat([salt, Buffer.from(jcs(result), 'utf8')]));
}

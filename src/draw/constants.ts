// Algorithm identifier and domain-separation tags of draw protocol v1 (docs/draw-proof.md).

export const ALGORITHM_ID = 'expert-draw/v1';
/** Seed message prefix, ASCII, no terminator (§6). */
export const SEED_TAG = 'expert-draw/v1/seed';
/** Seed message prefix of a planned draw (§6.2), ASCII, no terminator: binds SHA-256(JCS(commit payload)) instead. */
export const SEED_PLANNED_TAG = 'expert-draw/v1/seed-planned';
/** Counter-stream message prefix, ASCII, no terminator (§7). */
export const STREAM_TAG = 'expert-draw/v1/stream';
/** Server nonce length in bytes. */
export const NONCE_BYTES = 32;
/** Witness reveals are 16 to 64 bytes. */
export const WITNESS_MIN_BYTES = 16;
export const WITNESS_MAX_BYTES = 64;
/** A commit holds at most this many witness commitments. */
export const MAX_WITNESSES = 16;
/** drand randomness is SHA-256 of the round signature: 32 bytes. */
export const BEACON_RANDOMNESS_BYTES = 32;
/** Log entry types of a draw's result (the sealed result's commitment) and of its reveal at disclosure (§10). */
export const RESULT_ENTRY_TYPE = 'draw.result';
export const REVEAL_ENTRY_TYPE = 'draw.reveal';
/** Log entry types of a draw that ended after its commit without a result: it failed, or its holder died (§11). */
export const FAILED_ENTRY_TYPE = 'draw.failed';
export const ABORTED_ENTRY_TYPE = 'draw.aborted';
/**
 * Log entry type of the lines such a draw read, published with the disclosure of the draw that followed it when its
 * commit bound other inputs than that draw's (§11): with them its ranking is recomputed offline.
 */
export const LINES_ENTRY_TYPE = 'draw.lines';

/** Top-up positions ranked ahead per group and sealed with the result (§10): one more set of seats, at least three. */
export function extensionSize(count: number): number {
  return Math.max(3, count);
}
/** Log entry types of a planned draw (§6.2): the plan logged at scheduling, and each witness's deposit before the draw. */
export const PLANNED_ENTRY_TYPE = 'draw.planned';
export const DEPOSIT_ENTRY_TYPE = 'witness.deposited';

// Entropy and seed derivation (docs/draw-proof.md §5–6): what made the seed, and the exact bytes it is made of.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { sha256Hex } from '../crypto/canonical.js';
import { Hex32 } from '../domain/primitives.js';
import { AppError } from '../errors.js';
import { msg } from '../i18n/message.js';
import {
  BEACON_RANDOMNESS_BYTES,
  MAX_WITNESSES,
  NONCE_BYTES,
  SEED_PLANNED_TAG,
  SEED_TAG,
  WITNESS_MAX_BYTES,
  WITNESS_MIN_BYTES,
} from './constants.js';

export const EntropyPlan = z
  .object({
    beacon: z
      .object({
        chain: Hex32.describe('drand chain hash the round belongs to'),
        round: z.int().min(1).describe('drand round, chosen so that it is published after the commit'),
      })
      .strict()
      .nullable()
      .describe('Public randomness beacon round, or null'),
    witnessCommitments: z
      .array(Hex32)
      .max(MAX_WITNESSES)
      .describe('SHA-256 of each witness reveal, in the order the reveals enter the seed'),
    // Absent on every unplanned draw, so their commits hash as before (§6.2).
    planIndex: z
      .int()
      .min(0)
      .optional()
      .describe('A planned draw (§6.2): log index of its draw.planned entry; the seed then binds SHA-256(JCS(commit payload)), not the commit leaf hash'),
  })
  .strict();
export type EntropyPlan = z.infer<typeof EntropyPlan>;

/** What an inspector may conclude about the seed (design.md principle 3). */
export type Assurance = 'beacon' | 'witnessed' | 'operator';

export function assuranceOf(plan: EntropyPlan): Assurance {
  if (plan.beacon) return 'beacon';
  return plan.witnessCommitments.length > 0 ? 'witnessed' : 'operator';
}

export interface SeedInputs {
  /** 32-byte server nonce; only SHA-256(nonce) is in the commit until disclosure. */
  readonly nonce: Uint8Array;
  /** RFC 9162 leaf hash of the commit entry: what an unplanned draw's seed binds; a planned draw's needs none. */
  readonly commitLeafHash?: Uint8Array;
  /** SHA-256(JCS(commit payload)): what a planned draw's seed binds instead (§6.2); needed only then. */
  readonly commitPayloadHash?: Uint8Array;
  /** 32-byte beacon randomness, or null when the plan has no beacon. */
  readonly beaconRandomness: Uint8Array | null;
  /** Witness reveals, in commitment order. */
  readonly witnessReveals: readonly Uint8Array[];
}

export function nonceHash(nonce: Uint8Array): string {
  return sha256Hex(nonce);
}

export function witnessCommitment(reveal: Uint8Array): string {
  return sha256Hex(reveal);
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** A planned draw (§6.2): its commit names the draw.planned entry it follows. */
export function isPlanned(plan: EntropyPlan): boolean {
  return plan.planIndex !== undefined;
}

/** The commit leaf hash an unplanned draw's seed binds: 32 bytes, or INVALID_INPUT. */
function leafHashOf(inputs: SeedInputs): Uint8Array {
  if (inputs.commitLeafHash?.length !== 32) throw new AppError('INVALID_INPUT', msg('draw.leafHashLength'));
  return inputs.commitLeafHash;
}

/**
 * The HMAC message: SEED_TAG ‖ leaf hash ‖ u32(len) ‖ beacon ‖ u32(count) ‖ (u32(len) ‖ reveal)*; for a planned draw
 * (`planned`) SEED_PLANNED_TAG ‖ SHA-256(JCS(commit payload)) ‖ the same rest.
 */
export function seedMessage(inputs: SeedInputs, planned = false): Buffer {
  if (planned && inputs.commitPayloadHash?.length !== 32) throw new AppError('INVALID_INPUT', msg('draw.leafHashLength'));
  const parts: Buffer[] = planned
    ? [Buffer.from(SEED_PLANNED_TAG, 'ascii'), Buffer.from(inputs.commitPayloadHash!)]
    : [Buffer.from(SEED_TAG, 'ascii'), Buffer.from(leafHashOf(inputs))];
  const beacon = inputs.beaconRandomness ?? new Uint8Array(0);
  parts.push(u32be(beacon.length), Buffer.from(beacon), u32be(inputs.witnessReveals.length));
  for (const r of inputs.witnessReveals) parts.push(u32be(r.length), Buffer.from(r));
  return Buffer.concat(parts);
}

/**
 * Checks the seed inputs against the commit they claim to follow, then derives the seed.
 * Throws NONCE_MISMATCH, BEACON_MISMATCH or WITNESS_MISMATCH rather than derive a seed the commit does not bind.
 */
export function deriveSeed(plan: EntropyPlan, committedNonceHash: string, inputs: SeedInputs): Buffer {
  if (inputs.nonce.length !== NONCE_BYTES) throw new AppError('INVALID_INPUT', msg('draw.nonceLength', { bytes: NONCE_BYTES }));
  if (!isPlanned(plan)) leafHashOf(inputs);
  if (!hexEqual(nonceHash(inputs.nonce), committedNonceHash)) {
    throw new AppError('NONCE_MISMATCH', msg('draw.nonceMismatch'));
  }
  if ((plan.beacon === null) !== (inputs.beaconRandomness === null)) {
    throw new AppError('BEACON_MISMATCH', msg(plan.beacon ? 'draw.beaconNeeded' : 'draw.beaconAbsent'));
  }
  if (inputs.beaconRandomness && inputs.beaconRandomness.length !== BEACON_RANDOMNESS_BYTES) {
    throw new AppError('BEACON_MISMATCH', msg('draw.beaconLength', { bytes: BEACON_RANDOMNESS_BYTES }));
  }
  if (inputs.witnessReveals.length !== plan.witnessCommitments.length) {
    throw new AppError('WITNESS_MISMATCH', msg('draw.witnessCount', { expected: plan.witnessCommitments.length, found: inputs.witnessReveals.length }));
  }
  inputs.witnessReveals.forEach((reveal, i) => {
    if (reveal.length < WITNESS_MIN_BYTES || reveal.length > WITNESS_MAX_BYTES) {
      throw new AppError('WITNESS_MISMATCH', msg('draw.witnessLength', { index: i, min: WITNESS_MIN_BYTES, max: WITNESS_MAX_BYTES }));
    }
    if (!hexEqual(witnessCommitment(reveal), plan.witnessCommitments[i]!)) {
      throw new AppError('WITNESS_MISMATCH', msg('draw.witnessMismatch', { index: i }), { witness: i });
    }
  });
  return createHmac('sha256', inputs.nonce).update(seedMessage(inputs, isPlanned(plan))).digest();
}

/** Constant-time comparison of two hex digests of equal length. */
function hexEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

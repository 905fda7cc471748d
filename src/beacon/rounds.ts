// drand rounds: when each is published, which one a draw names, and the verification of a served round against a
// pinned chain (BLS12-381 with @noble/curves, loaded at the first verification). Pure: no network, no clock of its own.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { blsCurve } from './bls.js';
import type { BeaconChain } from './chains.js';

/** Hash-to-curve domain separation tags (RFC 9380 suites as drand uses them). */
export const DST_G1 = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
export const DST_G2 = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_';

const hex = z.string().regex(/^(?:[0-9a-f]{2})+$/, 'lower-case hex');

/** A round as a relay serves it at `GET /{chainHash}/public/{round}`. */
export const DrandRound = z.object({
  round: z.int().min(1),
  randomness: hex.optional(),
  signature: hex,
  previous_signature: hex.optional(),
});
export type DrandRound = z.infer<typeof DrandRound>;

/** A round that verified: what the result entry records, and the 32 bytes that enter the seed (§6). */
export interface VerifiedRound {
  readonly chain: string;
  readonly round: number;
  /** Hex SHA-256(signature). */
  readonly randomness: string;
  readonly signature: string;
  /** Chained schemes only: the previous round's signature, part of the signed message. */
  readonly previousSignature?: string;
}

/** Why a served round was refused. */
export class RoundRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RoundRejected';
  }
}

/** Unix milliseconds at which a round is published: genesis + (round − 1)·period. */
export function roundTimeMs(chain: BeaconChain, round: number): number {
  return (chain.genesis + (round - 1) * chain.periodS) * 1000;
}

/** The latest round published at `ms` (0 before genesis). */
export function roundAt(chain: BeaconChain, ms: number): number {
  if (ms < chain.genesis * 1000) return 0;
  return Math.floor((ms - chain.genesis * 1000) / (chain.periodS * 1000)) + 1;
}

/**
 * The round a draw committed at `commitMs` names: the first one published strictly after `commitMs + marginMs`. The
 * margin covers a service clock behind drand's, so the round cannot already exist when the commit is logged.
 */
export function roundAfter(chain: BeaconChain, commitMs: number, marginMs: number): number {
  return roundAt(chain, commitMs + marginMs) + 1;
}

/** The message a round's signature signs: SHA-256(u64be(round)), preceded by the previous signature when chained. */
export function roundMessage(chain: BeaconChain, round: number, previousSignature?: string): Buffer {
  const r = Buffer.alloc(8);
  r.writeBigUInt64BE(BigInt(round));
  const h = createHash('sha256');
  if (chain.scheme === 'pedersen-bls-chained') h.update(Buffer.from(previousSignature ?? '', 'hex'));
  return h.update(r).digest();
}

/** True when `signature` is the chain key's BLS signature of the round's message. Malformed points are not valid. */
export function signatureValid(chain: BeaconChain, round: number, signature: string, previousSignature?: string): boolean {
  const message = roundMessage(chain, round, previousSignature);
  const bls = blsCurve();
  try {
    if (chain.scheme === 'bls-unchained-g1-rfc9380') {
      return bls.shortSignatures.verify(Buffer.from(signature, 'hex'), bls.shortSignatures.hash(message, DST_G1), Buffer.from(chain.publicKey, 'hex'));
    }
    return bls.longSignatures.verify(Buffer.from(signature, 'hex'), bls.longSignatures.hash(message, DST_G2), Buffer.from(chain.publicKey, 'hex'));
  } catch {
    return false;
  }
}

/**
 * Verifies a served round against the pinned chain: it is the round asked for, its signature is the chain key's on
 * the round's message, and its randomness (if given) is SHA-256 of the signature. Throws RoundRejected otherwise.
 */
export function verifyRound(chain: BeaconChain, expected: number, raw: unknown): VerifiedRound {
  const parsed = DrandRound.safeParse(raw);
  if (!parsed.success) throw new RoundRejected(`malformed round: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  const r = parsed.data;
  if (r.round !== expected) throw new RoundRejected(`round ${r.round} served for round ${expected}`);
  if (chain.scheme === 'pedersen-bls-chained' && r.previous_signature === undefined) throw new RoundRejected('a chained round without its previous signature');
  const previous = chain.scheme === 'pedersen-bls-chained' ? r.previous_signature : undefined;
  if (!signatureValid(chain, r.round, r.signature, previous)) throw new RoundRejected(`the signature of round ${r.round} does not verify under chain ${chain.hash}`);
  const randomness = createHash('sha256').update(Buffer.from(r.signature, 'hex')).digest('hex');
  if (r.randomness !== undefined && r.randomness !== randomness) throw new RoundRejected(`the randomness of round ${r.round} is not SHA-256 of its signature`);
  return { chain: chain.hash, round: r.round, randomness, signature: r.signature, ...(previous !== undefined ? { previousSignature: previous } : {}) };
}

// drand chains: what pins one (its chain hash and the parameters it is the hash of), the public chains of the League of
// Entropy as trust anchors, and the chain hash as drand computes it. Pure: no network.
import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The signature schemes we verify. `bls-unchained-g1-rfc9380` ("quicknet"): signatures on G1 over SHA-256(round),
 * public key on G2. `pedersen-bls-chained` (the `default` chain): signatures on G2 over SHA-256(previous signature ‖
 * round), public key on G1.
 */
export const BEACON_SCHEMES = ['bls-unchained-g1-rfc9380', 'pedersen-bls-chained'] as const;
export type BeaconScheme = (typeof BEACON_SCHEMES)[number];

/** A chain as pinned: everything needed to name its rounds and verify them offline. */
export interface BeaconChain {
  /** Hex SHA-256 chain hash (drand's chain `Info.Hash()`), the id relays serve it under. */
  readonly hash: string;
  /** Hex of the compressed group public key: 96 bytes on G2 (quicknet), 48 bytes on G1 (pedersen-bls-chained). */
  readonly publicKey: string;
  readonly scheme: BeaconScheme;
  /** Seconds between rounds. */
  readonly periodS: number;
  /** Unix time (seconds) of round 1. */
  readonly genesis: number;
}

/** The chain info a drand relay serves at `GET /{chainHash}/info`. */
export const DrandInfo = z.object({
  public_key: z.string().regex(/^[0-9a-f]+$/),
  period: z.int().min(1),
  genesis_time: z.int().min(0),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  groupHash: z.string().regex(/^[0-9a-f]*$/),
  schemeID: z.string(),
  metadata: z.object({ beaconID: z.string() }).partial().optional(),
});
export type DrandInfo = z.infer<typeof DrandInfo>;

/** Pinned anchors: the League of Entropy mainnet chains, as published by drand (drand/tlock-js src/drand/defaults.ts). */
export const QUICKNET: BeaconChain = {
  hash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
  publicKey:
    '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a',
  scheme: 'bls-unchained-g1-rfc9380',
  periodS: 3,
  genesis: 1692803367,
};

export const DEFAULT_CHAIN: BeaconChain = {
  hash: '8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce',
  publicKey: '868f005eb8e6e4ca0a47c8a77ceaa5309a47978a7c71bc5cce96366b5d7a569937c529eeda66c7293784a9402801af31',
  scheme: 'pedersen-bls-chained',
  periodS: 30,
  genesis: 1595431050,
};

/** The chains an inspector's verifier knows without being told. */
export const KNOWN_CHAINS: readonly BeaconChain[] = [QUICKNET, DEFAULT_CHAIN];

/**
 * drand's chain hash: SHA-256(u32be(period) ‖ i64be(genesis) ‖ public key ‖ group hash ‖ beacon id), the beacon id
 * left out for the default beacon (empty or "default"). The scheme is not part of it.
 */
export function chainHash(info: { periodS: number; genesis: number; publicKey: string; groupHash: string; beaconId?: string }): string {
  const head = Buffer.alloc(12);
  head.writeUInt32BE(info.periodS, 0);
  head.writeBigInt64BE(BigInt(info.genesis), 4);
  const h = createHash('sha256').update(head).update(Buffer.from(info.publicKey, 'hex')).update(Buffer.from(info.groupHash, 'hex'));
  const id = info.beaconId ?? '';
  if (id !== '' && id !== 'default') h.update(id, 'utf8');
  return h.digest('hex');
}

/** A relay's /info as a chain, checked to hash to the hash it claims. Throws with the reason otherwise. */
export function chainOfInfo(raw: unknown): BeaconChain {
  const info = DrandInfo.parse(raw);
  if (!(BEACON_SCHEMES as readonly string[]).includes(info.schemeID)) throw new Error(`scheme ${info.schemeID} is not one we verify (${BEACON_SCHEMES.join(', ')})`);
  const computed = chainHash({ periodS: info.period, genesis: info.genesis_time, publicKey: info.public_key, groupHash: info.groupHash, beaconId: info.metadata?.beaconID });
  if (computed !== info.hash) throw new Error(`the info hashes to ${computed}, not to the hash ${info.hash} it claims`);
  return { hash: info.hash, publicKey: info.public_key, scheme: info.schemeID as BeaconScheme, periodS: info.period, genesis: info.genesis_time };
}

/** The first pinned field where two chains differ, or null when they are the same chain. */
export function chainDifference(pinned: BeaconChain, served: BeaconChain): string | null {
  for (const field of ['hash', 'publicKey', 'scheme', 'periodS', 'genesis'] as const) {
    if (pinned[field] !== served[field]) return `${field} ${String(served[field])}, pinned ${String(pinned[field])}`;
  }
  return null;
}

/**
 * How long a draw waits for the chain's round by default: three periods and thirty seconds after the round's publication
 * time. Here, beside the chains, so that reading the configuration does not load the BLS verifier (rounds.ts).
 */
export function defaultTimeoutMs(chain: BeaconChain): number {
  return (3 * chain.periodS + 30) * 1000;
}

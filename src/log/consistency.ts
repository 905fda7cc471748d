// How two signed checkpoints of one log relate: the same tree, an older one the newer extends (RFC 9162 §2.1.4
// consistency proof), or a fork. What `expert-draw log watch` and `proof verify --kept` decide with. Pure: no I/O, the
// proofs are handed in, so a browser console can bundle it.
import type { Checkpoint } from './checkpoint.js';
import { HASH_BYTES, verifyConsistency } from './merkle.js';

/**
 * same: equal size and root. consistent: the newer tree extends the older one, proved. fork: the log signed two trees
 * that are not one history (equal size, other root; or a proof that does not verify). needs-proof: sizes differ and no
 * proof was given.
 */
export type Relation =
  | { readonly kind: 'same'; readonly size: number }
  | { readonly kind: 'consistent'; readonly older: Checkpoint; readonly newer: Checkpoint }
  | { readonly kind: 'fork'; readonly older: Checkpoint; readonly newer: Checkpoint; readonly reason: string }
  | { readonly kind: 'needs-proof'; readonly older: Checkpoint; readonly newer: Checkpoint };

/**
 * Relates two checkpoints, in either order. `proof` is the consistency proof from the smaller size to the larger, as the
 * log serves it (GET /v1/log/consistency); it is read only when the sizes differ. Checkpoints of different origins are
 * different logs, never related: the caller opens both against the one pinned origin.
 */
export function relateCheckpoints(a: Checkpoint, b: Checkpoint, proof?: readonly Uint8Array[]): Relation {
  if (a.origin !== b.origin) throw new RangeError(`checkpoints of different logs: ${a.origin} and ${b.origin}`);
  const [older, newer] = a.size <= b.size ? [a, b] : [b, a];
  if (older.size === newer.size) {
    if (older.rootHash.equals(newer.rootHash)) return { kind: 'same', size: older.size };
    return { kind: 'fork', older, newer, reason: `two roots for tree size ${older.size}` };
  }
  if (proof === undefined) return { kind: 'needs-proof', older, newer };
  if (verifyConsistency(older.size, newer.size, proof, older.rootHash, newer.rootHash)) return { kind: 'consistent', older, newer };
  return { kind: 'fork', older, newer, reason: `the consistency proof from tree size ${older.size} to ${newer.size} does not verify: the log does not show that the larger tree extends the smaller` };
}

/** The kept checkpoints a new one is compared with: one of its size, else the nearest older and the nearest newer. */
export interface Neighbours<K extends { readonly size: number }> {
  readonly same?: K;
  readonly older?: K;
  readonly newer?: K;
}

export function keptNeighbours<K extends { readonly size: number }>(kept: Iterable<K>, size: number): Neighbours<K> {
  let same: K | undefined;
  let older: K | undefined;
  let newer: K | undefined;
  for (const k of kept) {
    if (k.size === size) same ??= k;
    else if (k.size < size && (older === undefined || k.size > older.size)) older = k;
    else if (k.size > size && (newer === undefined || k.size < newer.size)) newer = k;
  }
  if (same) return { same };
  return { ...(older ? { older } : {}), ...(newer ? { newer } : {}) };
}

const HEX_HASH = /^[0-9a-f]{64}$/;

/** Proof hashes as the API gives them (lower-case hex); null unless every one is a 32-byte hash. */
export function proofFromHex(hashes: unknown): Buffer[] | null {
  if (!Array.isArray(hashes)) return null;
  const out: Buffer[] = [];
  for (const h of hashes) {
    if (typeof h !== 'string' || !HEX_HASH.test(h)) return null;
    out.push(Buffer.from(h, 'hex'));
  }
  return out.every((b) => b.length === HASH_BYTES) ? out : null;
}

/** The consistency proofs that relate a checkpoint of `size` to its kept neighbours, as [smaller, larger] tree sizes. */
export function proofsToRelate(size: number, kept: Iterable<{ readonly size: number }>): Array<readonly [number, number]> {
  const around = keptNeighbours(kept, size);
  const pairs: Array<readonly [number, number]> = [];
  if (around.older) pairs.push([around.older.size, size]);
  if (around.newer) pairs.push([size, around.newer.size]);
  return pairs;
}

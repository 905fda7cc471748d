// Full re-verification of a stored log: every entry, the hash chain, every tree node, every checkpoint's signature,
// and consistency between consecutive checkpoints. What `expert-draw log verify` runs.
import type { Store } from '../store/store.js';
import { openStored, verifyRange, type LogBreak } from './audit-log.js';
import { assembleConsistencyProof, consistencyPlan, nodeHashes, verifyConsistency } from './merkle.js';
import type { NoteVerifier } from './note.js';

export interface VerifyReport {
  readonly ok: boolean;
  readonly size: number;
  readonly checkpoints: number;
  /** The first break found, with the index of the entry (or checkpoint size) where the log stops holding. */
  readonly failure: LogBreak | null;
}

export interface VerifyOptions {
  readonly store: Store;
  readonly verifier: NoteVerifier;
  readonly origin: string;
  /** Called after each chunk with entries verified so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

export async function verifyLog(options: VerifyOptions): Promise<VerifyReport> {
  const { store, verifier, origin } = options;
  const size = await store.logSize();
  const anchors = new Map<number, Buffer>();
  const fail = (failure: LogBreak, checkpoints = anchors.size): VerifyReport => ({ ok: false, size, checkpoints, failure });

  // 1. Every checkpoint: signed by our key, for our origin, within the stored log.
  for (let from = 0; ; ) {
    const page = await store.listCheckpoints(from, 1000);
    for (const stored of page) {
      const opened = openStored(stored, verifier, origin, size);
      if ('reason' in opened) return fail(opened);
      anchors.set(stored.size, opened.rootHash);
    }
    if (page.length < 1000) break;
    from = page.at(-1)!.size + 1;
  }

  // 2. Replay every entry: leaf hashes, chain, interior nodes, and each checkpoint's root on the way. First, so that a
  //    changed node is named by its own index rather than by a checkpoint whose proof reads it.
  const failure = await verifyRange(store, 0, size, anchors, (done) => options.onProgress?.(done, size));
  if (failure) return fail(failure);

  // 3. Consecutive checkpoints are consistent (RFC 9162 §2.1.4), with proofs built from the stored nodes.
  const sizes = [...anchors.keys()].sort((a, b) => a - b);
  for (let i = 1; i < sizes.length; i++) {
    const older = sizes[i - 1]!;
    const newer = sizes[i]!;
    if (older === 0) continue;
    const plan = consistencyPlan(older, newer);
    const hashes = await store.readNodes(plan).catch(() => null);
    const proof = hashes && assembleConsistencyProof(older, newer, nodeHashes(plan.map((id, k) => ({ ...id, hash: hashes[k]! }))));
    if (!proof || !verifyConsistency(older, newer, proof, anchors.get(older)!, anchors.get(newer)!)) {
      return fail({ index: newer, reason: `checkpoint ${newer} is not consistent with checkpoint ${older}` });
    }
  }

  return { ok: true, size, checkpoints: anchors.size, failure: null };
}

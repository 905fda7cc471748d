// A bundle's checkpoints against the checkpoints an inspector kept (`proof verify --kept`, docs/draw-proof.md §13):
// the kept ones opened and their chain of consistency proofs verified once per input, then each bundle related to
// them, and the earliest fetched kept checkpoint whose tree holds a given entry found (check beacon.kept). Pure: the
// notes, proofs and fetch times are handed in.
import { AppError } from '../errors.js';
import { openCheckpoint, type Checkpoint } from '../log/checkpoint.js';
import { proofFromHex, relateCheckpoints, type Relation } from '../log/consistency.js';
import type { NoteVerifier } from '../log/note.js';

/**
 * How far another clock (the service's, a kept record's) may be ahead of the inspector's before a time is refused:
 * the 5 s the verifier allows clocks elsewhere (beacon.kept, the kept records' fetch times).
 */
export const CLOCK_ALLOWANCE_MS = 5_000;

/** What the inspector kept, as `verifyDrawProof` takes it (`options.kept`). */
export interface KeptInput {
  /** The kept signed notes, as kept. */
  readonly notes: readonly string[];
  /**
   * Consistency proofs as the log API answers them: those the watcher kept between successive kept checkpoints
   * (`<size>.json`), and those `--url` fetched between the bundle's checkpoint and the kept ones.
   */
  readonly proofs?: ReadonlyArray<{ readonly fromSize: number; readonly toSize: number; readonly hashes: readonly string[] }>;
  /** When the inspector's watcher received each kept checkpoint, by its own clock (ISO 8601), by tree size. */
  readonly fetched?: ReadonlyArray<{ readonly size: number; readonly at: string }>;
  /** The log's API was asked for the proofs (proof verify --url): one missing is one it did not give. */
  readonly asked?: true;
}

/** The kept checkpoints opened, in size order, with what links each to the one before it. */
interface KeptHistory {
  readonly held: readonly Checkpoint[];
  /** Their tree sizes, ascending: a bundle's neighbours are found by binary search, not by a walk per bundle. */
  readonly sizes: readonly number[];
  /** segmentStart[i], segmentEnd[i]: the first and last index of the run of kept checkpoints, each proved to extend the one before, that holds i. */
  readonly segmentStart: readonly number[];
  readonly segmentEnd: readonly number[];
  /** Fetch time (Unix ms) by index into held; NaN when not recorded. */
  readonly fetchedAt: readonly number[];
  readonly proofs: ReadonlyMap<string, readonly string[]>;
  /** Why the kept input is not to be relied on (a note or a kept proof that does not verify), or null. */
  readonly broken: string | null;
}

/**
 * One per input object and key: an inspector's run hands every bundle the same kept input, so its notes are verified
 * and its chain proved once (each worker thread once), not per bundle.
 */
const prepared = new WeakMap<KeptInput, { readonly key: string; readonly history: KeptHistory }>();

function historyOf(kept: KeptInput, verifier: NoteVerifier, origin: string): KeptHistory {
  const key = `${verifier.name}\n${verifier.keyId}\n${verifier.publicKey.toString('hex')}\n${origin}`;
  const known = prepared.get(kept);
  if (known?.key === key) return known.history;
  const history = prepare(kept, verifier, origin);
  prepared.set(kept, { key, history });
  return history;
}

function prepare(kept: KeptInput, verifier: NoteVerifier, origin: string): KeptHistory {
  const proofs = new Map((kept.proofs ?? []).map((p) => [`${p.fromSize}-${p.toSize}`, p.hashes]));
  const empty = (broken: string): KeptHistory => ({ held: [], sizes: [], segmentStart: [], segmentEnd: [], fetchedAt: [], proofs, broken });
  const bySize = new Map<number, Checkpoint>();
  for (const [i, note] of kept.notes.entries()) {
    let cp: Checkpoint;
    try {
      cp = openCheckpoint(note, verifier, origin).checkpoint;
    } catch (err) {
      return empty(`kept checkpoint ${i + 1} does not verify: ${err instanceof AppError ? `${err.code}: ` : ''}${err instanceof Error ? err.message : String(err)}`);
    }
    const twin = bySize.get(cp.size);
    if (twin && !twin.rootHash.equals(cp.rootHash)) return empty(`FORK among the kept checkpoints: two roots for tree size ${cp.size}`);
    bySize.set(cp.size, cp);
  }
  const held = [...bySize.values()].sort((a, b) => a.size - b.size);
  const times = new Map((kept.fetched ?? []).map((f) => [f.size, Date.parse(f.at)]));
  const segmentStart: number[] = [];
  let broken: string | null = null;
  for (let i = 0; i < held.length; i++) {
    const hashes = i > 0 ? proofs.get(`${held[i - 1]!.size}-${held[i]!.size}`) : undefined;
    let linked = false;
    if (hashes !== undefined) {
      // The watcher verified this proof before it kept the later checkpoint: one that does not verify between two
      // signed notes is a changed kept file, and nothing kept can then be relied on.
      const proof = proofFromHex(hashes);
      linked = proof !== null && relateCheckpoints(held[i - 1]!, held[i]!, proof).kind === 'consistent';
      if (!linked) broken ??= `the kept consistency proof from tree size ${held[i - 1]!.size} to ${held[i]!.size} does not verify against the two kept checkpoints: the kept folder was changed after log watch kept it`;
    }
    segmentStart.push(linked ? segmentStart[i - 1]! : i);
  }
  const segmentEnd: number[] = new Array<number>(held.length);
  for (let i = held.length - 1; i >= 0; i--) segmentEnd[i] = i + 1 < held.length && segmentStart[i + 1] === segmentStart[i] ? segmentEnd[i + 1]! : i;
  return { held, sizes: held.map((cp) => cp.size), segmentStart, segmentEnd, fetchedAt: held.map((cp) => times.get(cp.size) ?? NaN), proofs, broken };
}

/** A bundle's checkpoint as related to the kept ones: the verdict of check checkpoint.kept, and what it is linked to. */
export interface KeptRelation {
  readonly status: 'pass' | 'fail' | 'unverifiable' | 'skipped';
  readonly detail: string;
  /** When it passed: the kept checkpoints (indices) in one history with the bundle's, as a range of the chain. */
  readonly linked?: { readonly history: KeptHistory; readonly from: number; readonly to: number };
}

/**
 * Relates each verified checkpoint of the bundle to the kept one of its size, or to the nearest kept older and newer
 * (each with a consistency proof). With the chain of kept proofs, every kept checkpoint in the runs it reaches is one
 * history with the bundle's.
 */
export function relateToKept(mine: readonly Checkpoint[], kept: KeptInput, verifier: NoteVerifier, origin: string): KeptRelation {
  if (mine.length === 0) return { status: 'skipped', detail: 'needs a verified checkpoint in the bundle' };
  const history = historyOf(kept, verifier, origin);
  if (history.broken) return { status: 'fail', detail: history.broken };
  const { held, proofs } = history;
  if (held.length === 0) return { status: 'unverifiable', detail: 'no kept checkpoints were given' };
  const said: string[] = [];
  const missing: string[] = [];
  let from = Infinity;
  let to = -Infinity;
  for (const cp of mine) {
    // The kept one of its size, else the nearest older and the nearest newer (keptNeighbours, by binary search).
    const j = firstAtLeast(history.sizes, cp.size);
    const around = history.sizes[j] === cp.size ? [j] : [j - 1, j].filter((k) => k >= 0 && k < held.length);
    const relations: Array<[number, Relation]> = [];
    for (const k of around) {
      const other = held[k]!;
      const [a, b] = other.size <= cp.size ? [other.size, cp.size] : [cp.size, other.size];
      const hashes = proofs.get(`${a}-${b}`);
      const proof = hashes === undefined ? undefined : proofFromHex(hashes);
      if (proof === null) return { status: 'fail', detail: `the consistency proof from ${a} to ${b} is not a list of hashes` };
      relations.push([k, relateCheckpoints(cp, other, proof)]);
    }
    for (const [i, relation] of relations) {
      const other = held[i]!;
      if (relation.kind === 'fork') return { status: 'fail', detail: `FORK with kept checkpoint ${other.size}: ${relation.reason}` };
      if (relation.kind === 'needs-proof') {
        missing.push(`${relation.older.size} → ${relation.newer.size}`);
        continue;
      }
      if (relation.kind === 'same') said.push(`tree size ${cp.size} is a kept checkpoint`);
      else said.push(other.size < cp.size ? `tree size ${cp.size} extends kept ${other.size}` : `kept ${other.size} extends tree size ${cp.size}`);
      from = Math.min(from, history.segmentStart[i]!);
      to = Math.max(to, history.segmentEnd[i]!);
    }
  }
  if (missing.length > 0) {
    const why = kept.asked ? 'the log did not give them (its answer is on standard error)' : 'proof verify --kept DIR --url URL fetches them, or a watcher that kept the bundle’s checkpoint (log watch --keep DIR)';
    return { status: 'unverifiable', detail: `needs the log’s consistency proofs ${missing.join(', ')} (${why})` };
  }
  return { status: 'pass', detail: `${said.join('; ')} (${held.length} kept)`, linked: { history, from, to } };
}

/**
 * The kept checkpoint, one history with the bundle's, that holds entry `index` (its tree size is larger) and was
 * fetched first, with its fetch time: the entry existed by then, on the inspector's own clock. Null when none does.
 */
export function firstKeptHolding(linked: NonNullable<KeptRelation['linked']>, index: number): { readonly size: number; readonly fetchedAt: number } | null {
  const { history, from, to } = linked;
  let best: { size: number; fetchedAt: number } | null = null;
  for (let i = from; i <= to; i++) {
    const cp = history.held[i]!;
    const at = history.fetchedAt[i]!;
    if (cp.size <= index || Number.isNaN(at)) continue;
    if (!best || at < best.fetchedAt) best = { size: cp.size, fetchedAt: at };
  }
  return best;
}

/** The first index whose size is at least `size` (the length when none is). */
function firstAtLeast(sizes: readonly number[], size: number): number {
  let lo = 0;
  let hi = sizes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sizes[mid]! < size) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

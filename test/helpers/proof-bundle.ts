// A disclosed draw's proof bundle made in memory, as the service would hand it out: the engine's commit, result and
// reveal entries (the reveal as the disclosure writes it), at given log indices of a tree whose other leaves are
// random, each with an inclusion proof to one checkpoint signed by the given key. For tests that need many bundles or
// large ones without running the service.
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import type { Expert } from '../../src/domain/expert.js';
import type { Policy } from '../../src/domain/policy.js';
import type { Project } from '../../src/domain/project.js';
import type { DrawRequest } from '../../src/domain/request.js';
import { extensionSize } from '../../src/draw/constants.js';
import { RESULT_ENTRY_TYPE, resultCommitment, REVEAL_ENTRY_TYPE, type ResultPayload } from '../../src/draw/entries.js';
import { HistoryIndex } from '../../src/draw/history.js';
import { PoolIndex } from '../../src/draw/pool-index.js';
import { OPERATOR_ENTROPY, runDraw } from '../../src/draw/protocol.js';
import type { CheckpointSigner } from '../../src/log/checkpoint.js';
import { jcs } from '../../src/crypto/canonical.js';
import { encodeEntry, GENESIS_PREV, leafHash, leafHashOfText } from '../../src/log/entry.js';
import { assembleInclusionProof, assembleRoot, hashChildren, isComplete, nodeKey } from '../../src/log/merkle.js';
import type { DrawProofBundle, DrawProofReport } from '../../src/verify/draw-proof.js';
import { revealLines } from '../../src/verify/pool-replay.js';
import { revealPayload, type PastDraw } from '../../src/verify/reveal-facts.js';

export interface BundleArgs {
  readonly drawId: string;
  readonly pool: PoolIndex | { readonly experts: readonly Expert[]; readonly version: number };
  readonly project: Project;
  readonly request: DrawRequest;
  readonly policy: Policy;
  readonly history?: readonly PastDraw[];
  readonly signer: CheckpointSigner;
  /** Log index of the commit; the result and reveal follow at +1 and +3. */
  readonly commitIndex?: number;
  /** 32 bytes each; random when not given. */
  readonly nonce?: Uint8Array;
  readonly salt?: Uint8Array;
}

/** Signs a tree of `size` leaves holding `leaves` at their indices (random elsewhere); inclusion proofs for those. */
export function signedTree(signer: CheckpointSigner, size: number, leaves: ReadonlyMap<number, Buffer>): { checkpoint: string; proof: (index: number) => string[] } {
  const nodes = new Map<string, Buffer>();
  for (let i = 0; i < size; i++) nodes.set(nodeKey({ level: 0, index: i }), leaves.get(i) ?? randomBytes(32));
  for (let level = 1; 2 ** level <= size; level++) {
    for (let index = 0; isComplete({ level, index }, size); index++) {
      const child = (k: number) => nodes.get(nodeKey({ level: level - 1, index: 2 * index + k }))!;
      nodes.set(nodeKey({ level, index }), hashChildren(child(0), child(1)));
    }
  }
  const checkpoint = signer.sign({ origin: signer.origin, size, rootHash: assembleRoot(size, nodes), extensions: [] });
  return { checkpoint, proof: (index) => assembleInclusionProof(index, size, nodes).map((h) => h.toString('hex')) };
}

export function memoryBundle(args: BundleArgs): DrawProofBundle {
  const pool = args.pool instanceof PoolIndex ? args.pool : new PoolIndex(args.pool.experts, args.pool.version);
  const history = args.history ?? [];
  const index = new HistoryIndex(history.flatMap((d) => d.experts.map((expertId) => ({ expertId, atMs: Date.parse(d.at), tenderer: d.tenderer }))));
  const commitIndex = args.commitIndex ?? 5;
  const [resultIndex, revealIndex] = [commitIndex + 1, commitIndex + 3];
  const nonce = args.nonce ?? randomBytes(32);
  const salt = args.salt ?? randomBytes(32);
  const out = runDraw(
    { drawId: args.drawId, project: args.project, request: args.request, policy: args.policy, pool, history: index },
    { plan: OPERATOR_ENTROPY, nonce, beaconRandomness: null, witnessReveals: [], time: '2026-12-01T00:00:00.000Z', prev: GENESIS_PREV },
  );
  const extension = out.result.groups.map((g, i) => out.sampler.extend(i, extensionSize(g.selected.length)));
  const result: ResultPayload = {
    drawId: args.drawId,
    projectId: args.project.id,
    commitIndex,
    resultHash: resultCommitment(salt, out.result),
    sealedHash: randomBytes(32).toString('hex'),
    groups: out.result.groups.map((g) => ({ selected: g.selected.length, alternates: g.alternates.length, skipped: g.skipped.length })),
  };
  const resultBytes = encodeEntry({ type: RESULT_ENTRY_TYPE, time: '2026-12-01T00:00:00.001Z', prev: out.commitLeafHash.toString('hex'), payload: result });
  const reveal = revealPayload({
    drawId: args.drawId,
    projectId: args.project.id,
    commitIndex,
    resultIndex,
    content: { nonce: Buffer.from(nonce).toString('hex'), salt: Buffer.from(salt).toString('hex'), result: out.result, extension },
    prepared: out.prepared,
    lines: revealLines(out.prepared),
    history,
    by: 'op-test',
  });
  const revealBytes = encodeEntry({ type: REVEAL_ENTRY_TYPE, time: '2026-12-02T00:00:00.000Z', prev: randomBytes(32).toString('hex'), payload: reveal });
  const bytes = new Map([
    [commitIndex, out.commitEntryBytes],
    [resultIndex, resultBytes],
    [revealIndex, revealBytes],
  ]);
  const size = revealIndex + 1;
  const tree = signedTree(args.signer, size, new Map([...bytes].map(([i, b]) => [i, leafHash(b)])));
  const part = (i: number) => {
    const b = bytes.get(i)!;
    return { index: i, entry: b.toString('utf8'), inclusion: { index: i, leafHash: leafHash(b).toString('hex'), checkpoint: tree.checkpoint, treeSize: size, hashes: tree.proof(i) } };
  };
  return { drawId: args.drawId, commit: part(commitIndex), result: part(resultIndex), reveal: part(revealIndex) };
}

/** An entry parsed for editing: its type and payload. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EditableEntry = { type: string; time?: string; payload: Record<string, any> };

/**
 * The bundle with its first abandoned draw's entries edited (its commit, its end and its lines, where it has them),
 * every part proved again in a fresh tree the key signs: what a holder of the log key could hand out. The tree has the
 * original's size unless `treeSize` is given (a larger one: the forgery then forks from no checkpoint of the original's
 * size).
 */
export function resignedAbandoned(
  original: DrawProofBundle,
  signer: CheckpointSigner,
  edit: (entries: { commit: EditableEntry; end: EditableEntry; lines?: EditableEntry }) => void,
  { treeSize }: { readonly treeSize?: number } = {},
): DrawProofBundle {
  const b = structuredClone(original);
  const a = b.abandoned![0]!;
  const parse = (text: string) => JSON.parse(text) as EditableEntry;
  const entries = { commit: parse(a.commit.entry), end: parse(a.end.entry), ...(a.lines ? { lines: parse(a.lines.entry) } : {}) };
  edit(entries);
  a.commit.entry = jcs(entries.commit);
  a.end.entry = jcs(entries.end);
  if (a.lines && entries.lines) a.lines.entry = jcs(entries.lines);
  const parts = [b.commit, b.result, b.reveal, ...b.abandoned!.flatMap((x) => [x.commit, x.end, ...(x.lines ? [x.lines] : [])])];
  const size = treeSize ?? b.reveal.inclusion.treeSize;
  const tree = signedTree(signer, size, new Map(parts.map((p) => [p.index, leafHashOfText(p.entry)])));
  for (const p of parts) p.inclusion = { index: p.index, leafHash: leafHashOfText(p.entry).toString('hex'), checkpoint: tree.checkpoint, treeSize: size, hashes: tree.proof(p.index) };
  return b;
}

/**
 * Every byte of the saved bundle file within [from, to) flipped (by any mask), read as `proof verify` reads a file
 * (UTF-8 text, a broken sequence becoming U+FFFD, then JSON): the change leaves no JSON, or the report fails a named
 * check. For fast-check: `fc.assert(everyFlipFails(...), { numRuns })`.
 */
export function everyFlipFails(file: Buffer, range: { from: number; to: number }, verify: (bundle: unknown) => DrawProofReport) {
  const decoder = new TextDecoder('utf-8');
  return fc.property(fc.integer({ min: range.from, max: range.to - 1 }), fc.integer({ min: 1, max: 255 }), (at, mask) => {
    const changed = Buffer.from(file);
    changed[at] = changed[at]! ^ mask;
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(changed));
    } catch {
      return true;
    }
    const report = verify(parsed);
    return !report.ok && report.checks.some((c) => c.status === 'fail');
  });
}

// The RFC 9162 Merkle module against the published CT vectors, a plain recursive reference, and O(log n) read bounds.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafHash } from '../../src/log/entry.js';
import {
  EMPTY_ROOT_HEX,
  MerkleFrontier,
  assembleConsistencyProof,
  assembleInclusionProof,
  assembleRoot,
  consistencyPlan,
  emptyRoot,
  hashChildren,
  hashLeaf,
  inclusionPlan,
  isComplete,
  nodeHashes,
  nodeKey,
  rootPlan,
  verifyConsistency,
  verifyInclusion,
  type MerkleNode,
  type NodeId,
} from '../../src/log/merkle.js';
import { CONSISTENCY_PROOFS, INCLUSION_PROOFS, LEAF_INPUTS, NODE_HASHES, ROOTS } from './fixtures/rfc6962-vectors.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex');
const hexes = (bs: readonly Uint8Array[]) => bs.map(hex);

// ---- reference: RFC 9162 §2.1.1–2.1.4 as written, recursive over the leaf inputs, with its own hashing ----------

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const refLeaf = (d: Uint8Array) => sha(Uint8Array.of(0), d);
const refNode = (l: Uint8Array, r: Uint8Array) => sha(Uint8Array.of(1), l, r);

/** The largest power of two smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function refMth(d: readonly Uint8Array[]): Buffer {
  if (d.length === 0) return sha();
  if (d.length === 1) return refLeaf(d[0]!);
  const k = split(d.length);
  return refNode(refMth(d.slice(0, k)), refMth(d.slice(k)));
}

function refPath(m: number, d: readonly Uint8Array[]): Buffer[] {
  if (d.length === 1) return [];
  const k = split(d.length);
  return m < k
    ? [...refPath(m, d.slice(0, k)), refMth(d.slice(k))]
    : [...refPath(m - k, d.slice(k)), refMth(d.slice(0, k))];
}

/** PROOF(m, D[n]) for 0 < m ≤ n. */
function refProof(m: number, d: readonly Uint8Array[]): Buffer[] {
  return refSubproof(m, d, true);
}

function refSubproof(m: number, d: readonly Uint8Array[], b: boolean): Buffer[] {
  const n = d.length;
  if (m === n) return b ? [] : [refMth(d)];
  const k = split(n);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b), refMth(d.slice(k))]
    : [...refSubproof(m - k, d.slice(k), false), refMth(d.slice(0, k))];
}

// Shapes of the same recursions without hashes: on which side each element joins ('L' left of the path, 'R' right),
// and for PROOF whether it opens with the SUBPROOF start node ('S'). A verifier given a proof for one (index, size)
// computes the same hashes for another pair exactly when the shapes agree, so that is when it must accept.

function pathShape(m: number, n: number): string {
  if (n === 1) return '';
  const k = split(n);
  return m < k ? `${pathShape(m, k)}R` : `${pathShape(m - k, n - k)}L`;
}

function proofShape(m: number, n: number, b = true): string {
  if (m === n) return b ? '' : 'S';
  const k = split(n);
  return m <= k ? `${proofShape(m, k, b)}R` : `${proofShape(m - k, n - k, false)}L`;
}

// ---- a log as the service would keep it: a frontier plus every node append() returned ---------------------------

interface Log {
  readonly frontier: MerkleFrontier;
  readonly store: Map<string, Buffer>;
  readonly emitted: MerkleNode[];
  /** roots[n] = the frontier's root after n appends. */
  readonly roots: Buffer[];
}

function buildLog(leaves: readonly Uint8Array[]): Log {
  const frontier = new MerkleFrontier();
  const emitted: MerkleNode[] = [];
  const roots = [frontier.root()];
  for (const leaf of leaves) {
    emitted.push(...frontier.append(hashLeaf(leaf)));
    roots.push(frontier.root());
  }
  return { frontier, store: nodeHashes(emitted), emitted, roots };
}

/** Only the entries a plan names: proves the assembler reads nothing else. */
function readPlan(store: ReadonlyMap<string, Buffer>, plan: readonly NodeId[]): Map<string, Buffer> {
  return new Map(plan.map((id) => [nodeKey(id), store.get(nodeKey(id))!]));
}

/** Distinct leaf inputs, so no two subtrees share a hash and shape arguments hold. */
const distinctLeaves = (salt: number, n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`${salt}/${i}`));

const VECTOR_LEAVES = LEAF_INPUTS.map(unhex);
const VECTOR_LOG = buildLog(VECTOR_LEAVES);

function tamperedCopies(proof: readonly Buffer[], mask: number): Buffer[][] {
  const out: Buffer[][] = [];
  proof.forEach((element, i) => {
    for (let byte = 0; byte < element.length; byte++) {
      const copy = proof.map((p) => Buffer.from(p));
      copy[i]![byte]! ^= mask;
      out.push(copy);
    }
  });
  return out;
}

const SOME_HASH = unhex('abacaba000000000000000000000000000000000000000000060061e00123456');
const EMPTY = unhex(EMPTY_ROOT_HEX);

describe('published RFC 6962 vectors', () => {
  it('hashes leaves and children as RFC 9162 §2.1.1 says', () => {
    expect(hashLeaf).toBe(leafHash);
    expect(hex(hashLeaf(new Uint8Array(0)))).toBe(NODE_HASHES[0][0]);
    expect(hex(hashChildren(unhex(NODE_HASHES[0][0]), unhex(NODE_HASHES[0][1])))).toBe(NODE_HASHES[1][0]);
    expect(hex(emptyRoot())).toBe(ROOTS[0]);
  });

  it('append emits every complete node of the 8-leaf tree once, with the published hash', () => {
    const published = NODE_HASHES.flatMap((row, level) => row.map((h, index) => `${level}/${index}=${h}`));
    expect(VECTOR_LOG.emitted.map((n) => `${nodeKey(n)}=${hex(n.hash)}`).sort()).toEqual(published.sort());
  });

  it('roots of sizes 0..8 from the frontier, from rootPlan reads and from the reference', () => {
    for (let n = 0; n <= 8; n++) {
      expect(hex(VECTOR_LOG.roots[n]!)).toBe(ROOTS[n]);
      expect(hex(assembleRoot(n, readPlan(VECTOR_LOG.store, rootPlan(n))))).toBe(ROOTS[n]);
      expect(hex(refMth(VECTOR_LEAVES.slice(0, n)))).toBe(ROOTS[n]);
    }
  });

  it.each(INCLUSION_PROOFS)('inclusion of leaf $leafIndex in size $size', ({ leafIndex, size, proof }) => {
    const got = assembleInclusionProof(leafIndex, size, readPlan(VECTOR_LOG.store, inclusionPlan(leafIndex, size)));
    expect(hexes(got)).toEqual(proof);
    expect(hexes(refPath(leafIndex, VECTOR_LEAVES.slice(0, size)))).toEqual(proof);
    const leaf = unhex(NODE_HASHES[0][leafIndex]!);
    const root = unhex(ROOTS[size]!);
    expect(verifyInclusion(leaf, leafIndex, size, got, root)).toBe(true);

    const p = proof.map(unhex);
    const probes: Array<[string, boolean]> = [
      ['index - 1', verifyInclusion(leaf, leafIndex - 1, size, p, root)],
      ['index + 1', verifyInclusion(leaf, leafIndex + 1, size, p, root)],
      ['index ^ 2', verifyInclusion(leaf, leafIndex ^ 2, size, p, root)],
      ['size * 2', verifyInclusion(leaf, leafIndex, size * 2, p, root)],
      ['size / 2', verifyInclusion(leaf, leafIndex, Math.floor(size / 2), p, root)],
      ['wrong leaf', verifyInclusion(hashLeaf(Buffer.from('WrongLeaf')), leafIndex, size, p, root)],
      ['empty root', verifyInclusion(leaf, leafIndex, size, p, EMPTY)],
      ['random root', verifyInclusion(leaf, leafIndex, size, p, SOME_HASH)],
      ['trailing garbage', verifyInclusion(leaf, leafIndex, size, [...p, Buffer.alloc(0)], root)],
      ['trailing root', verifyInclusion(leaf, leafIndex, size, [...p, root], root)],
      ['preceding garbage', verifyInclusion(leaf, leafIndex, size, [Buffer.alloc(0), ...p], root)],
      ['preceding root', verifyInclusion(leaf, leafIndex, size, [root, ...p], root)],
      ['removed component', p.length > 0 && verifyInclusion(leaf, leafIndex, size, p.slice(0, -1), root)],
      ['inserted', p.length > 1 && verifyInclusion(leaf, leafIndex, size, [p[0]!, SOME_HASH, ...p.slice(1)], root)],
      ...tamperedCopies(p, 8).map((t, i): [string, boolean] => [`flip ${i}`, verifyInclusion(leaf, leafIndex, size, t, root)]),
    ];
    expect(probes.filter(([, ok]) => ok).map(([what]) => what)).toEqual([]);
  });

  it.each(CONSISTENCY_PROOFS)('consistency from $oldSize to $newSize', ({ oldSize, newSize, proof }) => {
    const got = assembleConsistencyProof(oldSize, newSize, readPlan(VECTOR_LOG.store, consistencyPlan(oldSize, newSize)));
    expect(hexes(got)).toEqual(proof);
    expect(hexes(refProof(oldSize, VECTOR_LEAVES.slice(0, newSize)))).toEqual(proof);
    const [r1, r2] = [unhex(ROOTS[oldSize]!), unhex(ROOTS[newSize]!)];
    expect(verifyConsistency(oldSize, newSize, got, r1, r2)).toBe(true);
    if (proof.length === 0) return;

    const p = proof.map(unhex);
    const probes: Array<[string, boolean]> = [
      ['old - 1', verifyConsistency(oldSize - 1, newSize, p, r1, r2)],
      ['old + 1', verifyConsistency(oldSize + 1, newSize, p, r1, r2)],
      ['old ^ 2', verifyConsistency(oldSize ^ 2, newSize, p, r1, r2)],
      ['new * 2', verifyConsistency(oldSize, newSize * 2, p, r1, r2)],
      ['new / 2', verifyConsistency(oldSize, Math.floor(newSize / 2), p, r1, r2)],
      ['wrong root1', verifyConsistency(oldSize, newSize, p, SOME_HASH, r2)],
      ['wrong root2', verifyConsistency(oldSize, newSize, p, r1, SOME_HASH)],
      ['swapped roots', verifyConsistency(oldSize, newSize, p, r2, r1)],
      ['empty proof', verifyConsistency(oldSize, newSize, [], r1, r2)],
      ['trailing garbage', verifyConsistency(oldSize, newSize, [...p, Buffer.alloc(0)], r1, r2)],
      ['trailing root1', verifyConsistency(oldSize, newSize, [...p, r1], r1, r2)],
      ['trailing root2', verifyConsistency(oldSize, newSize, [...p, r2], r1, r2)],
      ['preceding garbage', verifyConsistency(oldSize, newSize, [Buffer.alloc(0), ...p], r1, r2)],
      ['preceding root1', verifyConsistency(oldSize, newSize, [r1, ...p], r1, r2)],
      ['preceding root2', verifyConsistency(oldSize, newSize, [r2, ...p], r1, r2)],
      ['preceding proof[0]', verifyConsistency(oldSize, newSize, [p[0]!, ...p], r1, r2)],
      ['truncated', verifyConsistency(oldSize, newSize, p.slice(0, -1), r1, r2)],
      ...tamperedCopies(p, 16).map((t, i): [string, boolean] => [`flip ${i}`, verifyConsistency(oldSize, newSize, t, r1, r2)]),
    ];
    expect(probes.filter(([, ok]) => ok).map(([what]) => what)).toEqual([]);
  });
});

describe('verifiers on malformed input return false', () => {
  const leaf = unhex(NODE_HASHES[0][0]);
  const junk = [null, undefined, 'x', 42, {}] as unknown as Uint8Array[];

  it('inclusion', () => {
    const cases: Array<[number, number, readonly Uint8Array[], Uint8Array, Uint8Array]> = [
      [0, 0, [], leaf, EMPTY],
      [0, 1, [], leaf, EMPTY],
      [1, 0, [], leaf, leaf],
      [2, 1, [], leaf, leaf],
      [-1, 1, [], leaf, leaf],
      [0.5, 1, [], leaf, leaf],
      [0, Number.NaN, [], leaf, leaf],
      [0, 2 ** 53, [], leaf, leaf],
      [0, 1, [], leaf.subarray(1), leaf.subarray(1)],
      [0, 1, [], new Uint8Array(0), new Uint8Array(0)],
      [0, 2, [leaf.subarray(0, 31)], leaf, leaf],
      [0, 2, junk.slice(0, 1), leaf, leaf],
      [0, 1, junk, leaf, leaf],
      [0, 1, 'not a proof' as unknown as Uint8Array[], leaf, leaf],
      [0, 1, [], 'x' as unknown as Uint8Array, leaf],
    ];
    for (const [index, size, proof, leafHash, root] of cases) {
      expect(verifyInclusion(leafHash, index, size, proof, root), `${index}/${size}`).toBe(false);
    }
    expect(verifyInclusion(leaf, 0, 1, [], leaf)).toBe(true);
  });

  it('consistency, including the trivial sizes', () => {
    const [a, b] = [unhex(ROOTS[3]), unhex(ROOTS[5])];
    const table: Array<[number, number, readonly Uint8Array[], Uint8Array, Uint8Array, boolean]> = [
      [0, 0, [], EMPTY, EMPTY, true],
      [0, 0, [], EMPTY, a, false],
      [0, 5, [], EMPTY, b, true],
      [0, 5, [], a, b, false], // a size-0 tree has exactly one root
      [0, 5, [EMPTY], EMPTY, b, false],
      [3, 3, [], a, a, true],
      [3, 3, [], a, b, false],
      [3, 3, [a], a, a, false],
      [1, 0, [], a, b, false],
      [5, 3, [], b, a, false],
      [1, 2, [], a, b, false],
      [3, 5, junk, a, b, false],
      [3, 5, [a.subarray(1)], a, b, false],
      [3, 5, null as unknown as Uint8Array[], a, b, false],
      [3, Number.POSITIVE_INFINITY, [a], a, b, false],
      [-1, 5, [], EMPTY, b, false],
      [3, 5, [a], a, new Uint8Array(0), false],
    ];
    for (const [m, n, proof, r1, r2, want] of table) {
      expect(verifyConsistency(m, n, proof, r1, r2), `${m}→${n}`).toBe(want);
    }
  });
});

describe('stored-node proofs agree with the reference', () => {
  it('every index and every pair of sizes up to 64, exhaustively', () => {
    const leaves = distinctLeaves(0, 64);
    const log = buildLog(leaves);
    for (let n = 1; n <= 64; n++) {
      const d = leaves.slice(0, n);
      expect(assembleRoot(n, readPlan(log.store, rootPlan(n)))).toEqual(refMth(d));
      expect(log.roots[n]).toEqual(refMth(d));
      for (let i = 0; i < n; i++) {
        const proof = assembleInclusionProof(i, n, readPlan(log.store, inclusionPlan(i, n)));
        expect(proof).toEqual(refPath(i, d));
        expect(verifyInclusion(refLeaf(d[i]!), i, n, proof, log.roots[n]!)).toBe(true);
      }
      for (let m = 1; m <= n; m++) {
        const proof = assembleConsistencyProof(m, n, readPlan(log.store, consistencyPlan(m, n)));
        expect(proof).toEqual(refProof(m, d));
        expect(verifyConsistency(m, n, proof, log.roots[m]!, log.roots[n]!)).toBe(true);
      }
    }
  });

  it('a proof checked against another index or size passes exactly when the shapes agree (sizes up to 32)', () => {
    const leaves = distinctLeaves(1, 64);
    const log = buildLog(leaves);
    const wrong: string[] = [];
    for (let n = 1; n <= 32; n++) {
      for (let i = 0; i < n; i++) {
        const proof = assembleInclusionProof(i, n, log.store);
        const [leaf, root] = [refLeaf(leaves[i]!), log.roots[n]!];
        for (let other = 1; other <= 64; other++) {
          const want = other > i && pathShape(i, other) === pathShape(i, n);
          if (verifyInclusion(leaf, i, other, proof, root) !== want) wrong.push(`PATH ${i}/${n} as /${other}`);
          const j = other - 1; // every other index of the same tree fails
          if (j !== i && j < n && verifyInclusion(leaf, j, n, proof, root)) wrong.push(`PATH ${i}/${n} as ${j}/${n}`);
        }
      }
      for (let m = 1; m < n; m++) {
        const proof = assembleConsistencyProof(m, n, log.store);
        const [r1, r2] = [log.roots[m]!, log.roots[n]!];
        for (let other = 1; other <= 64; other++) {
          const wantOld = other < n && proofShape(other, n) === proofShape(m, n);
          if (verifyConsistency(other, n, proof, r1, r2) !== wantOld) wrong.push(`PROOF ${m}→${n} as ${other}→${n}`);
          const wantNew = other > m && proofShape(m, other) === proofShape(m, n);
          if (verifyConsistency(m, other, proof, r1, r2) !== wantNew) wrong.push(`PROOF ${m}→${n} as ${m}→${other}`);
        }
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it('inclusion for random sizes up to 300: equal to PATH, verifies, and any change fails', () => {
    const arb = fc
      .record({ salt: fc.nat(), size: fc.integer({ min: 1, max: 300 }), mask: fc.integer({ min: 1, max: 255 }) })
      .chain((r) =>
        fc
          .record({ index: fc.nat(r.size - 1), otherIndex: fc.nat(r.size - 1), otherSize: fc.integer({ min: 1, max: 600 }) })
          .map((o) => ({ ...r, ...o })),
      );
    fc.assert(
      fc.property(arb, ({ salt, size, mask, index, otherIndex, otherSize }) => {
        const leaves = distinctLeaves(salt, size);
        const log = buildLog(leaves);
        const root = log.roots[size]!;
        const leaf = refLeaf(leaves[index]!);
        const proof = assembleInclusionProof(index, size, readPlan(log.store, inclusionPlan(index, size)));
        expect(proof).toEqual(refPath(index, leaves));
        expect(verifyInclusion(leaf, index, size, proof, root)).toBe(true);
        for (const t of tamperedCopies(proof, mask)) expect(verifyInclusion(leaf, index, size, t, root)).toBe(false);
        if (otherIndex !== index) expect(verifyInclusion(leaf, otherIndex, size, proof, root)).toBe(false);
        // A different size is accepted exactly when its path has the same shape (e.g. leaf 0 of 3 and of 4).
        const sameShape = otherSize > index && pathShape(index, otherSize) === pathShape(index, size);
        expect(verifyInclusion(leaf, index, otherSize, proof, root)).toBe(sameShape);
        expect(verifyInclusion(leaf, index, size * 2, proof, root)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('consistency between random sizes up to 300: equal to PROOF, verifies, and any change fails', () => {
    const arb = fc
      .record({ salt: fc.nat(), newSize: fc.integer({ min: 1, max: 300 }), mask: fc.integer({ min: 1, max: 255 }) })
      .chain((r) =>
        fc
          .record({ oldSize: fc.integer({ min: 1, max: r.newSize }), other: fc.integer({ min: 1, max: 600 }) })
          .map((o) => ({ ...r, ...o })),
      );
    fc.assert(
      fc.property(arb, ({ salt, newSize, oldSize, mask, other }) => {
        const leaves = distinctLeaves(salt, newSize);
        const log = buildLog(leaves);
        const [r1, r2] = [log.roots[oldSize]!, log.roots[newSize]!];
        const proof = assembleConsistencyProof(oldSize, newSize, readPlan(log.store, consistencyPlan(oldSize, newSize)));
        expect(proof).toEqual(refProof(oldSize, leaves));
        expect(verifyConsistency(oldSize, newSize, proof, r1, r2)).toBe(true);
        for (const t of tamperedCopies(proof, mask)) expect(verifyConsistency(oldSize, newSize, t, r1, r2)).toBe(false);
        if (oldSize === newSize) return;
        expect(verifyConsistency(oldSize, newSize, proof, r2, r1)).toBe(false);
        expect(verifyConsistency(oldSize, newSize, proof.slice(0, -1), r1, r2)).toBe(false);
        // Another old or new size is accepted exactly when the proof has the same shape for it.
        const shape = proofShape(oldSize, newSize);
        const okOld = other < newSize && proofShape(other, newSize) === shape;
        expect(verifyConsistency(other, newSize, proof, r1, r2)).toBe(okOld);
        const okNew = other > oldSize && proofShape(oldSize, other) === shape;
        expect(verifyConsistency(oldSize, other, proof, r1, r2)).toBe(okNew);
      }),
      { numRuns: 150 },
    );
  });
});

// ---- read bounds ------------------------------------------------------------------------------------------------

const ceilLog2 = (n: number) => {
  let h = 0;
  while (2 ** h < n) h++;
  return h;
};
const isPow2 = (x: number) => x > 0 && 2 ** ceilLog2(x) === x;

// Tight bounds (attained for every h up to 10 below), with h = ⌈log2 n⌉: a root reads popcount(n) ≤ max(1, h) nodes,
// an inclusion proof ≤ max(h, 2h − 2), a consistency proof ≤ max(h, 2h − 1). A right-edge element costs its popcount.
const ROOT_BOUND = (n: number) => Math.max(1, ceilLog2(n));
const INCLUSION_BOUND = (n: number) => Math.max(ceilLog2(n), 2 * ceilLog2(n) - 2);
const CONSISTENCY_BOUND = (n: number) => Math.max(ceilLog2(n), 2 * ceilLog2(n) - 1);

function range(id: NodeId): [number, number] {
  const width = 2 ** id.level;
  return [id.index * width, (id.index + 1) * width];
}

/** Why a plan is wrong for a tree of `size` leaves, or undefined: over the bound, a duplicate, an incomplete node. */
function planFault(plan: readonly NodeId[], size: number, bound: number): string | undefined {
  if (plan.length > bound) return `${plan.length} reads > ${bound}`;
  for (let k = 0; k < plan.length; k++) {
    const id = plan[k]!;
    if (!isComplete(id, size)) return `node ${nodeKey(id)} is not complete at size ${size}`;
    for (let j = 0; j < k; j++) {
      if (plan[j]!.level === id.level && plan[j]!.index === id.index) return `node ${nodeKey(id)} read twice`;
    }
  }
  return undefined;
}

/** Why the ranges do not tile [from, to) exactly (gap or overlap), or undefined. */
function tilingFault(ranges: ReadonlyArray<readonly [number, number]>, from: number, to: number): string | undefined {
  let pos = from;
  for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) {
    if (a !== pos) return `expected a range at ${pos}, got [${a}, ${b})`;
    pos = b;
  }
  return pos === to ? undefined : `tiling ends at ${pos}, not ${to}`;
}

/** Index by index: the proof covers the tree around the leaf exactly. */
function inclusionFault(i: number, n: number): string | undefined {
  const plan = inclusionPlan(i, n);
  return planFault(plan, n, INCLUSION_BOUND(n)) ?? tilingFault([...plan.map(range), [i, i + 1]], 0, n);
}

/** The proof covers the new tree around the old one exactly, and never straddles the old size. */
function consistencyFault(m: number, n: number): string | undefined {
  const plan = consistencyPlan(m, n);
  const fault = planFault(plan, n, CONSISTENCY_BOUND(n));
  if (fault !== undefined) return fault;
  if (m === n || m === 0) return plan.length === 0 ? undefined : 'trivial proof not empty';
  const ranges = plan.map(range);
  if (ranges.some(([a, b]) => a < m && b > m)) return 'a node straddles the old size';
  return tilingFault(isPow2(m) ? [...ranges, [0, m]] : ranges, 0, n);
}

/** Tree of identical leaves: node hashes depend on the level only, so any size can be checked end to end. */
const UNIFORM: Buffer[] = [hashLeaf(Buffer.from('same'))];
for (let level = 1; level <= 53; level++) UNIFORM.push(refNode(UNIFORM[level - 1]!, UNIFORM[level - 1]!));
const uniformStore = (plan: readonly NodeId[]) => new Map(plan.map((id) => [nodeKey(id), UNIFORM[id.level]!]));

// The RFC recursions again, over sizes only (every D[a:b] of the uniform tree depends on b − a alone).
const uMemo = new Map<number, Buffer>();
function uMth(n: number): Buffer {
  if (isPow2(n)) return UNIFORM[ceilLog2(n)]!;
  let h = uMemo.get(n);
  if (h === undefined) uMemo.set(n, (h = refNode(uMth(split(n)), uMth(n - split(n)))));
  return h;
}
function uPath(m: number, n: number): Buffer[] {
  if (n === 1) return [];
  const k = split(n);
  return m < k ? [...uPath(m, k), uMth(n - k)] : [...uPath(m - k, n - k), uMth(k)];
}
function uSubproof(m: number, n: number, b: boolean): Buffer[] {
  if (m === n) return b ? [] : [uMth(m)];
  const k = split(n);
  return m <= k ? [...uSubproof(m, k, b), uMth(n - k)] : [...uSubproof(m - k, n - k, false), uMth(k)];
}

describe('reads are O(log n)', () => {
  it('every size up to 1100, every index and old size: within the bounds, no duplicates, complete nodes only', () => {
    const faults: string[] = [];
    const worst = new Map<number, [number, number, number]>(); // h → largest root, inclusion, consistency plan
    for (let n = 1; n <= 1100; n++) {
      const h = ceilLog2(n);
      const w = worst.get(h) ?? [0, 0, 0];
      const root = rootPlan(n);
      const rootFault = planFault(root, n, ROOT_BOUND(n)) ?? tilingFault(root.map(range), 0, n);
      if (rootFault) faults.push(`root ${n}: ${rootFault}`);
      w[0] = Math.max(w[0], root.length);
      for (let i = 0; i < n; i++) {
        const plan = inclusionPlan(i, n);
        const fault = planFault(plan, n, INCLUSION_BOUND(n));
        if (fault) faults.push(`inclusion ${i}/${n}: ${fault}`);
        w[1] = Math.max(w[1], plan.length);
      }
      for (let m = 0; m <= n; m++) {
        const plan = consistencyPlan(m, n);
        const fault = planFault(plan, n, CONSISTENCY_BOUND(n));
        if (fault) faults.push(`consistency ${m}→${n}: ${fault}`);
        w[2] = Math.max(w[2], plan.length);
      }
      worst.set(h, w);
    }
    expect(faults.slice(0, 10)).toEqual([]);
    for (let h = 1; h <= 10; h++) {
      const n = 2 ** h;
      expect([h, ...worst.get(h)!]).toEqual([h, ROOT_BOUND(n), INCLUSION_BOUND(n), CONSISTENCY_BOUND(n)]);
    }
  });

  it('every plan up to size 160 covers exactly the tree around the leaf or around the old tree', () => {
    const faults: string[] = [];
    for (let n = 1; n <= 160; n++) {
      for (let i = 0; i < n; i++) {
        const fault = inclusionFault(i, n);
        if (fault) faults.push(`inclusion ${i}/${n}: ${fault}`);
      }
      for (let m = 0; m <= n; m++) {
        const fault = consistencyFault(m, n);
        if (fault) faults.push(`consistency ${m}→${n}: ${fault}`);
      }
    }
    expect(faults.slice(0, 10)).toEqual([]);
  });

  const BIG = [2 ** 40 + 12345, 2 ** 32 - 1, 2 ** 32 + 1, 3 * 2 ** 50 + 7, 2 ** 52, 2 ** 53 - 2, 2 ** 53 - 1];

  it.each(BIG)('size %d: structure, bounds and end-to-end proofs over identical leaves', (n) => {
    const edges = [0, 1, 2, n - 2, n - 1, Math.floor(n / 2), Math.floor(n / 3), 2 ** 31, 12345];
    fc.assert(
      fc.property(fc.constantFrom(...edges), fc.integer({ min: 0, max: n - 1 }), (a, b) => {
        const root = assembleRoot(n, uniformStore(rootPlan(n)));
        expect(root).toEqual(uMth(n));
        for (const i of [a, b]) {
          expect(inclusionFault(i, n)).toBeUndefined();
          const proof = assembleInclusionProof(i, n, uniformStore(inclusionPlan(i, n)));
          expect(proof).toEqual(uPath(i, n));
          expect(verifyInclusion(UNIFORM[0]!, i, n, proof, root)).toBe(true);
        }
        for (const m of [a + 1, b + 1]) {
          expect(consistencyFault(m, n)).toBeUndefined();
          const proof = assembleConsistencyProof(m, n, uniformStore(consistencyPlan(m, n)));
          expect(proof).toEqual(uSubproof(m, n, true));
          expect(verifyConsistency(m, n, proof, uMth(m), root)).toBe(true);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('refuses sizes and indices the number arithmetic cannot hold exactly', () => {
    expect(() => rootPlan(2 ** 53)).toThrow(RangeError);
    expect(() => rootPlan(-1)).toThrow(RangeError);
    expect(() => inclusionPlan(5, 5)).toThrow(RangeError);
    expect(() => inclusionPlan(0.5, 5)).toThrow(RangeError);
    expect(() => consistencyPlan(6, 5)).toThrow(RangeError);
    expect(() => consistencyPlan(1, Number.NaN)).toThrow(RangeError);
    expect(consistencyPlan(0, 9)).toEqual([]);
    expect(rootPlan(0)).toEqual([]);
    expect(assembleRoot(0, new Map())).toEqual(emptyRoot());
  });

  it('assemblers throw when a planned node was not fetched', () => {
    const plan = inclusionPlan(3, 7);
    const partial = readPlan(VECTOR_LOG.store, plan.slice(1));
    expect(() => assembleInclusionProof(3, 7, partial)).toThrow(/stored node .* is missing/);
    const short = new Map([...readPlan(VECTOR_LOG.store, plan)].map(([k, v]) => [k, v.subarray(1)]));
    expect(() => assembleInclusionProof(3, 7, short)).toThrow(/not 32 bytes/);
  });
});

describe('MerkleFrontier', () => {
  it('append emits each complete node exactly once, with its reference hash, O(1) amortised', () => {
    const leaves = distinctLeaves(7, 150);
    const frontier = new MerkleFrontier();
    const seen = new Set<string>();
    let emitted = 0;
    for (let n = 0; n < leaves.length; n++) {
      const nodes = frontier.append(hashLeaf(leaves[n]!));
      expect(nodes[0]).toMatchObject({ level: 0, index: n });
      nodes.forEach((node, k) => {
        expect(node.level).toBe(k);
        expect(isComplete(node, n + 1)).toBe(true);
        expect(isComplete(node, n)).toBe(false); // completed by this very append
        const [a, b] = range(node);
        expect(node.hash).toEqual(refMth(leaves.slice(a, b)));
        seen.add(nodeKey(node));
      });
      emitted += nodes.length;
      expect(frontier.size).toBe(n + 1);
    }
    expect(seen.size).toBe(emitted);
    expect(emitted).toBeLessThan(2 * leaves.length);
  });

  it('root() is MTH of what was appended, SHA-256("") when empty', () => {
    expect(new MerkleFrontier().root()).toEqual(createHash('sha256').digest());
    const leaves = distinctLeaves(3, 70);
    const log = buildLog(leaves);
    log.roots.forEach((root, n) => expect(root).toEqual(refMth(leaves.slice(0, n))));
  });

  it('fromStoredNodes resumes from the rootPlan nodes alone to identical roots and appends', () => {
    const leaves = distinctLeaves(11, 170);
    const log = buildLog(leaves);
    for (let size = 0; size <= 130; size++) {
      const stored = buildLog(leaves.slice(0, size)).store;
      const resumed = MerkleFrontier.fromStoredNodes(size, readPlan(stored, rootPlan(size)));
      expect(resumed.size).toBe(size);
      expect(resumed.root()).toEqual(log.roots[size]);
      const fresh = buildLog(leaves.slice(0, size)).frontier;
      for (let n = size; n < size + 40; n++) {
        expect(resumed.append(hashLeaf(leaves[n]!))).toEqual(fresh.append(hashLeaf(leaves[n]!)));
        expect(resumed.root()).toEqual(log.roots[n + 1]);
      }
    }
  });

  it('refuses a malformed leaf hash and a store missing a root node', () => {
    expect(() => new MerkleFrontier().append(new Uint8Array(31))).toThrow(RangeError);
    const stored = readPlan(VECTOR_LOG.store, rootPlan(7).slice(1));
    expect(() => MerkleFrontier.fromStoredNodes(7, stored)).toThrow(/missing/);
  });

  it('hands out copies: mutating returned hashes does not change the tree', () => {
    const frontier = new MerkleFrontier();
    const leaf = hashLeaf(Buffer.from('a'));
    const [node] = frontier.append(leaf);
    const root = frontier.root();
    node!.hash.fill(0);
    leaf.fill(0);
    root.fill(0);
    expect(frontier.root()).toEqual(hashLeaf(Buffer.from('a')));
  });
});

// Relating checkpoints (src/log/consistency.ts): the published RFC 6962 consistency vectors, random trees of sizes
// m ≤ n (the proof relates them; any flipped byte makes a fork), forks of the same size, and the kept neighbours.
import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../../src/log/checkpoint.js';
import { keptNeighbours, proofFromHex, relateCheckpoints } from '../../src/log/consistency.js';
import { leafHash as hashLeaf } from '../../src/log/entry.js';
import { assembleConsistencyProof, consistencyPlan, MerkleFrontier, nodeHashes, type MerkleNode } from '../../src/log/merkle.js';
import { CONSISTENCY_PROOFS, LEAF_INPUTS, ROOTS } from './fixtures/rfc6962-vectors.js';

const ORIGIN = 'example.test/log';
const cp = (size: number, root: Uint8Array | string): Checkpoint => ({
  origin: ORIGIN,
  size,
  rootHash: typeof root === 'string' ? Buffer.from(root, 'hex') : Buffer.from(root),
  extensions: [],
});

/** A tree of `n` random leaves: every stored node and the root at each size on the way. */
function randomTree(n: number): { nodes: Map<string, Buffer>; roots: Buffer[] } {
  const frontier = new MerkleFrontier();
  const all: MerkleNode[] = [];
  const roots = [frontier.root()];
  for (let i = 0; i < n; i++) {
    all.push(...frontier.append(hashLeaf(randomBytes(randomInt(1, 40)))));
    roots.push(frontier.root());
  }
  return { nodes: nodeHashes(all), roots };
}

const proofOf = (nodes: Map<string, Buffer>, m: number, n: number) => assembleConsistencyProof(m, n, new Map([...nodes].filter(([k]) => consistencyPlan(m, n).some((id) => `${id.level}/${id.index}` === k))));

describe('relateCheckpoints on the published RFC 6962 vectors', () => {
  it('each vector relates its two roots, in either order', () => {
    expect(LEAF_INPUTS.length).toBe(8);
    for (const v of CONSISTENCY_PROOFS) {
      const older = cp(v.oldSize, ROOTS[v.oldSize]!);
      const newer = cp(v.newSize, ROOTS[v.newSize]!);
      const proof = proofFromHex(v.proof)!;
      const expected = v.oldSize === v.newSize ? 'same' : 'consistent';
      expect(relateCheckpoints(older, newer, proof).kind, `${v.oldSize}→${v.newSize}`).toBe(expected);
      expect(relateCheckpoints(newer, older, proof).kind, `${v.newSize}←${v.oldSize}`).toBe(expected);
    }
  });

  it('a vector checked against another size’s root is a fork', () => {
    for (const v of CONSISTENCY_PROOFS.filter((x) => x.oldSize < x.newSize)) {
      const proof = proofFromHex(v.proof)!;
      const wrongOld = cp(v.oldSize, ROOTS[v.oldSize === 1 ? 2 : v.oldSize - 1]!);
      const relation = relateCheckpoints(wrongOld, cp(v.newSize, ROOTS[v.newSize]!), proof);
      expect(relation.kind).toBe('fork');
      expect(relation.kind === 'fork' && relation.reason).toMatch(`from tree size ${v.oldSize} to ${v.newSize} does not verify`);
    }
  });
});

describe('relateCheckpoints on random trees', () => {
  it('random sizes m < n: the assembled proof relates them; any flipped byte of proof or roots is a fork', () => {
    for (let round = 0; round < 40; round++) {
      const n = randomInt(2, 200);
      const m = randomInt(1, n);
      const { nodes, roots } = randomTree(n);
      const proof = proofOf(nodes, m, n);
      const older = cp(m, roots[m]!);
      const newer = cp(n, roots[n]!);
      expect(relateCheckpoints(older, newer, proof)).toEqual({ kind: 'consistent', older, newer });
      for (let k = 0; k < proof.length; k++) {
        for (const byte of [0, randomInt(0, 32), 31]) {
          const bad = proof.map((h) => Buffer.from(h));
          bad[k]![byte]! ^= 1 << randomInt(0, 8);
          expect(relateCheckpoints(older, newer, bad).kind, `m=${m} n=${n} hash ${k} byte ${byte}`).toBe('fork');
        }
      }
      const flip = (root: Buffer) => {
        const b = Buffer.from(root);
        b[randomInt(0, 32)]! ^= 0x80;
        return b;
      };
      expect(relateCheckpoints(cp(m, flip(roots[m]!)), newer, proof).kind).toBe('fork');
      expect(relateCheckpoints(older, cp(n, flip(roots[n]!)), proof).kind).toBe('fork');
      // A proof with a hash left out or one added is not a proof of these sizes.
      if (proof.length > 0) expect(relateCheckpoints(older, newer, proof.slice(1)).kind).toBe('fork');
      expect(relateCheckpoints(older, newer, [...proof, randomBytes(32)]).kind).toBe('fork');
    }
  });

  it('two different trees of sizes m < n: no proof of the larger one relates them', () => {
    for (let round = 0; round < 20; round++) {
      const n = randomInt(2, 120);
      const m = randomInt(1, n);
      const a = randomTree(m);
      const b = randomTree(n);
      expect(relateCheckpoints(cp(m, a.roots[m]!), cp(n, b.roots[n]!), proofOf(b.nodes, m, n)).kind).toBe('fork');
    }
  });

  it('equal sizes: the same root is the same tree, another root a fork; sizes that differ without a proof need one', () => {
    const { roots } = randomTree(9);
    expect(relateCheckpoints(cp(9, roots[9]!), cp(9, roots[9]!))).toEqual({ kind: 'same', size: 9 });
    const fork = relateCheckpoints(cp(9, roots[9]!), cp(9, randomBytes(32)));
    expect(fork.kind).toBe('fork');
    expect(fork.kind === 'fork' && fork.reason).toBe('two roots for tree size 9');
    expect(relateCheckpoints(cp(9, roots[9]!), cp(4, roots[4]!)).kind).toBe('needs-proof');
    // From the empty tree, only SHA-256("") is the root, with an empty proof.
    expect(relateCheckpoints(cp(0, ROOTS[0]!), cp(9, roots[9]!), []).kind).toBe('consistent');
    expect(relateCheckpoints(cp(0, randomBytes(32)), cp(9, roots[9]!), []).kind).toBe('fork');
  });

  it('refuses to relate checkpoints of two logs', () => {
    expect(() => relateCheckpoints(cp(1, ROOTS[1]!), { ...cp(1, ROOTS[1]!), origin: 'other.test/log' })).toThrow(/different logs/);
  });
});

describe('keptNeighbours and proofFromHex', () => {
  const kept = [10, 3, 40, 25].map((size) => ({ size }));
  it('finds the kept checkpoint of a size, else the nearest older and newer', () => {
    expect(keptNeighbours(kept, 25)).toEqual({ same: { size: 25 } });
    expect(keptNeighbours(kept, 12)).toEqual({ older: { size: 10 }, newer: { size: 25 } });
    expect(keptNeighbours(kept, 99)).toEqual({ older: { size: 40 } });
    expect(keptNeighbours(kept, 1)).toEqual({ newer: { size: 3 } });
    expect(keptNeighbours([], 5)).toEqual({});
  });

  it('reads only lists of 32-byte lower-case hex hashes', () => {
    const h = randomBytes(32).toString('hex');
    expect(proofFromHex([h, h])?.map((b) => b.toString('hex'))).toEqual([h, h]);
    expect(proofFromHex([])).toEqual([]);
    for (const bad of [null, 'x', [h.toUpperCase()], [h.slice(2)], [`${h}00`], [42]]) expect(proofFromHex(bad)).toBeNull();
  });
});

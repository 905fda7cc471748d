// RFC 9162 Merkle tree: hashing, which stored subtrees a root or proof needs, proof assembly, verification, append.
import { createHash, hash } from 'node:crypto';
import { RFC9162_NODE_PREFIX } from './entry.js';

export { leafHash as hashLeaf } from './entry.js';

/*
 * Storage model. Node (level, index) is the MTH of leaves [index·2^level, (index+1)·2^level); level 0 holds the leaf
 * hashes. A node is stored once, when its last leaf is appended (MerkleFrontier.append says which), and never changes.
 * Every root and proof element is a complete node or the MTH of a truncated right edge [start, size), which is the
 * right-to-left fold of the complete nodes of its binary decomposition; so any root or proof needs O(log n) reads.
 *
 * Sizes and indices are JS numbers, exact up to 2^53 − 1 (MAX_TREE_SIZE): no bitwise operators here, they truncate
 * to 32 bits. Planners and assemblers throw RangeError on out-of-range arguments; verifiers return false instead.
 */

/** SHA-256 output length: every leaf, node and root hash (RFC 9162 §2.1.1 with SHA-256). */
export const HASH_BYTES = 32;
/** Largest tree size (and so leaf count) the number-based index arithmetic is exact for. */
export const MAX_TREE_SIZE = Number.MAX_SAFE_INTEGER;
/** RFC 9162 §2.1.1: MTH({}) = HASH(), the SHA-256 of the empty string. */
export const EMPTY_ROOT_HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const EMPTY_ROOT = Buffer.from(EMPTY_ROOT_HEX, 'hex');
const NODE_PREFIX = Uint8Array.of(RFC9162_NODE_PREFIX);

/** RFC 9162 §2.1.1: an interior node is SHA-256(0x01 ‖ left ‖ right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_BYTES || right.length !== HASH_BYTES) {
    return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  }
  // One-shot hash over a reused 65-byte input: safe, the call is synchronous.
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 33);
  return hash('sha256', NODE_INPUT, 'buffer');
}
const NODE_INPUT = Buffer.alloc(65, RFC9162_NODE_PREFIX);

/** MTH of the empty tree, a fresh copy. */
export function emptyRoot(): Buffer {
  return Buffer.from(EMPTY_ROOT);
}

/** A stored complete subtree: MTH of leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

export interface MerkleNode extends NodeId {
  readonly hash: Buffer;
}

/**
 * Fetched node hashes handed to the assemblers, keyed by nodeKey(id). Extra entries are ignored, so one map may serve
 * several plans; a missing or malformed entry is a store fault and throws.
 */
export type NodeHashes = ReadonlyMap<string, Uint8Array>;

/** Map key of a node, e.g. "3/17". */
export function nodeKey(id: NodeId): string {
  return `${id.level}/${id.index}`;
}

/** Collects fetched rows into the map the assemblers take. */
export function nodeHashes<H extends Uint8Array>(nodes: Iterable<NodeId & { readonly hash: H }>): Map<string, H> {
  const map = new Map<string, H>();
  for (const node of nodes) map.set(nodeKey(node), node.hash);
  return map;
}

/** True once a tree of `size` leaves holds every leaf of the node, i.e. the node is stored. */
export function isComplete(id: NodeId, size: number): boolean {
  return (id.index + 1) * 2 ** id.level <= size;
}

// ---- planners ---------------------------------------------------------------------------------------------------

/** Nodes to read for the root of a tree of `size` leaves: its binary decomposition, left to right. None for 0. */
export function rootPlan(size: number): NodeId[] {
  checkSize(size, 'size');
  return rangeNodes(0, size);
}

/** Nodes to read for the inclusion proof of leaf `leafIndex` in a tree of `size` leaves (0 ≤ leafIndex < size). */
export function inclusionPlan(leafIndex: number, size: number): NodeId[] {
  return flatten(inclusionElements(leafIndex, size));
}

/** Nodes to read for the consistency proof from `oldSize` to `newSize` (0 ≤ oldSize ≤ newSize); none if trivial. */
export function consistencyPlan(oldSize: number, newSize: number): NodeId[] {
  return flatten(consistencyElements(oldSize, newSize));
}

// ---- assemblers -------------------------------------------------------------------------------------------------

/** MTH(D[size]) from the nodes of rootPlan(size). */
export function assembleRoot(size: number, hashes: NodeHashes): Buffer {
  checkSize(size, 'size');
  return size === 0 ? emptyRoot() : fold(rangeNodes(0, size), hashes);
}

/** RFC 9162 §2.1.3.1 PATH(leafIndex, D[size]), leaf to root, from the nodes of inclusionPlan(leafIndex, size). */
export function assembleInclusionProof(leafIndex: number, size: number, hashes: NodeHashes): Buffer[] {
  return inclusionElements(leafIndex, size).map((element) => fold(element, hashes));
}

/** RFC 9162 §2.1.4.1 PROOF(oldSize, D[newSize]) from the nodes of consistencyPlan(oldSize, newSize). */
export function assembleConsistencyProof(oldSize: number, newSize: number, hashes: NodeHashes): Buffer[] {
  return consistencyElements(oldSize, newSize).map((element) => fold(element, hashes));
}

// ---- proof structure --------------------------------------------------------------------------------------------

// Each proof element is the list of complete nodes whose fold is its hash (one node unless it is a truncated edge).

function inclusionElements(leafIndex: number, size: number): NodeId[][] {
  checkSize(size, 'size');
  checkSize(leafIndex, 'leafIndex');
  if (leafIndex >= size) throw new RangeError(`leafIndex ${leafIndex} is not below size ${size}`);
  return pathElements(0, leafIndex, size);
}

function consistencyElements(oldSize: number, newSize: number): NodeId[][] {
  checkSize(oldSize, 'oldSize');
  checkSize(newSize, 'newSize');
  if (oldSize > newSize) throw new RangeError(`oldSize ${oldSize} exceeds newSize ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  // The recursion of RFC 9162 §2.1.4.1 ends at the node formed by oldSize's lowest set bit: [oldSize − 2^k, oldSize).
  let level = 0;
  let index = oldSize;
  while (!isOdd(index)) {
    index /= 2;
    level++;
  }
  index -= 1;
  // That node is the old root itself when oldSize is a power of two, and then it is left out (SUBPROOF's b = true).
  const path = pathElements(level, index, newSize);
  if (index !== 0) path.unshift([{ level, index }]);
  return path;
}

/** Siblings of the ancestors of node (level, index), bottom up, in a tree of `size` leaves: the PATH order. */
function pathElements(level: number, index: number, size: number): NodeId[][] {
  const elements: NodeId[][] = [];
  for (let width = 2 ** level; width < size; width *= 2) {
    const sibling = isOdd(index) ? index - 1 : index + 1;
    const start = sibling * width;
    // A right sibling past the end does not exist: the RFC tree has no node on this level for this leaf.
    if (start < size) elements.push(rangeNodes(start, Math.min(start + width, size)));
    index = Math.floor(index / 2);
  }
  return elements;
}

/** Complete nodes covering [start, end), largest first; `start` must be aligned to the largest of them. */
function rangeNodes(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let width = 1;
  let level = 0;
  while (width * 2 <= end - start) {
    width *= 2;
    level++;
  }
  for (let pos = start; pos < end; ) {
    while (width > end - pos) {
      width /= 2;
      level--;
    }
    nodes.push({ level, index: pos / width });
    pos += width;
  }
  return nodes;
}

/** RFC 9162 §2.1.1: MTH splits at the largest power of two below n, so a decomposition folds right to left. */
function fold(nodes: readonly NodeId[], hashes: NodeHashes): Buffer {
  let acc: Buffer | undefined;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const hash = lookup(hashes, nodes[i]!);
    acc = acc === undefined ? Buffer.from(hash) : hashChildren(hash, acc);
  }
  if (acc === undefined) throw new RangeError('empty proof element');
  return acc;
}

function lookup(hashes: NodeHashes, id: NodeId): Uint8Array {
  const hash = hashes.get(nodeKey(id));
  if (!isHash(hash)) throw new Error(`stored node ${nodeKey(id)} is missing or not ${HASH_BYTES} bytes`);
  return hash;
}

// ---- verifiers --------------------------------------------------------------------------------------------------

/** RFC 9162 §2.1.3.2. False for any malformed input (bad sizes, wrong hash lengths, wrong proof length). */
export function verifyInclusion(
  leafHash: Uint8Array,
  leafIndex: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  rootHash: Uint8Array,
): boolean {
  if (!isHash(leafHash) || !isHash(rootHash) || !Array.isArray(proof)) return false;
  if (!isSize(treeSize) || !isSize(leafIndex) || leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (!isHash(p) || sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(rootHash);
}

/**
 * RFC 9162 §2.1.4.2 for 0 < oldSize < newSize. Equal sizes need an empty proof and equal roots; oldSize 0 needs an
 * empty proof and oldRoot = MTH({}). False for any malformed input.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  proof: readonly Uint8Array[],
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
): boolean {
  if (!isHash(oldRoot) || !isHash(newRoot) || !Array.isArray(proof)) return false;
  if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize) return false;
  const old = Buffer.from(oldRoot);
  if (oldSize === 0) return proof.length === 0 && old.equals(EMPTY_ROOT) && (newSize > 0 || old.equals(newRoot));
  if (oldSize === newSize) return proof.length === 0 && old.equals(newRoot);
  if (proof.length === 0) return false;
  // Step 2: a power-of-two old tree is itself a node of the new one, so its root opens the path.
  const first = isPowerOfTwo(oldSize) ? 0 : 1;
  const seed = first === 0 ? old : proof[0];
  if (!isHash(seed)) return false;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(seed);
  let sr: Buffer = fr;
  for (let i = first; i < proof.length; i++) {
    const c = proof[i];
    if (!isHash(c) || sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(old) && sr.equals(newRoot);
}

// ---- frontier ---------------------------------------------------------------------------------------------------

/**
 * The right edge of the tree (a compact range over [0, size)): the complete nodes of rootPlan(size), enough to append
 * and to compute the root without reading anything else.
 */
export class MerkleFrontier {
  #size = 0;
  /** rootPlan(size) with hashes, largest (leftmost) first; levels strictly decrease. */
  readonly #edge: MerkleNode[] = [];

  get size(): number {
    return this.#size;
  }

  /**
   * Adds one leaf hash. Returns the nodes this append completes, the leaf (level 0) first and then each new parent
   * upwards: exactly the rows a store must persist with the entry, in the same transaction. O(log n), O(1) amortised.
   */
  append(leafHash: Uint8Array): MerkleNode[] {
    if (!isHash(leafHash)) throw new RangeError(`a leaf hash is ${HASH_BYTES} bytes`);
    return this.appendShared(Buffer.from(leafHash)).map(copyNode);
  }

  /**
   * append() without the defensive copies, for the log's own hot paths (group commit, full verification): takes
   * ownership of `leafHash` and returns the node objects the frontier keeps. Callers must not modify them.
   */
  appendShared(leafHash: Buffer): readonly MerkleNode[] {
    if (leafHash.length !== HASH_BYTES) throw new RangeError(`a leaf hash is ${HASH_BYTES} bytes`);
    if (this.#size >= MAX_TREE_SIZE) throw new RangeError('tree is full: sizes are limited to 2^53 - 1');
    let node: MerkleNode = { level: 0, index: this.#size, hash: leafHash };
    const completed: MerkleNode[] = [node];
    for (let top = this.#edge.at(-1); top !== undefined && top.level === node.level; top = this.#edge.at(-1)) {
      this.#edge.pop();
      node = { level: node.level + 1, index: top.index / 2, hash: hashChildren(top.hash, node.hash) };
      completed.push(node);
    }
    this.#edge.push(node);
    this.#size++;
    return completed;
  }

  /** MTH of every leaf appended so far; MTH({}) for none. */
  root(): Buffer {
    if (this.#edge.length === 0) return emptyRoot();
    let acc: Buffer | undefined;
    for (let i = this.#edge.length - 1; i >= 0; i--) {
      const { hash } = this.#edge[i]!;
      acc = acc === undefined ? Buffer.from(hash) : hashChildren(hash, acc);
    }
    return acc!;
  }

  /** Resumes a tree of `size` leaves from the stored nodes of rootPlan(size) (extra entries are ignored). */
  static fromStoredNodes(size: number, hashes: NodeHashes): MerkleFrontier {
    const frontier = new MerkleFrontier();
    for (const id of rootPlan(size)) frontier.#edge.push({ ...id, hash: Buffer.from(lookup(hashes, id)) });
    frontier.#size = size;
    return frontier;
  }
}

// ---- helpers ----------------------------------------------------------------------------------------------------

function flatten(elements: readonly NodeId[][]): NodeId[] {
  const nodes: NodeId[] = [];
  for (const element of elements) for (const id of element) nodes.push(id);
  return nodes;
}

function copyNode(node: MerkleNode): MerkleNode {
  return { level: node.level, index: node.index, hash: Buffer.from(node.hash) };
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_BYTES;
}

function isSize(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function checkSize(value: number, name: string): void {
  if (!isSize(value)) throw new RangeError(`${name} must be an integer in [0, 2^53 - 1], got ${value}`);
}

function isOdd(x: number): boolean {
  return x % 2 === 1;
}

function isPowerOfTwo(x: number): boolean {
  while (x > 1 && !isOdd(x)) x /= 2;
  return x === 1;
}

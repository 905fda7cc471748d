// Log entry envelope and its RFC 9162 leaf hash. The full log (tree, checkpoints, stores) builds on this.
import { createHash, hash } from 'node:crypto';
import { jcs } from '../crypto/canonical.js';

/** RFC 9162 §2.1.1: a leaf hash is SHA-256 over 0x00 followed by the entry bytes. */
export const RFC9162_LEAF_PREFIX = 0x00;
/** RFC 9162 §2.1.1: an interior node hash is SHA-256 over 0x01, left child, right child. */
export const RFC9162_NODE_PREFIX = 0x01;

/** Hash of "no previous entry", for the first entry of a log. */
export const GENESIS_PREV = '0'.repeat(64);

export interface LogEntry<P = unknown> {
  /** Entry type, e.g. draw.commit. */
  readonly type: string;
  /** UTC time of the append, ISO 8601 with milliseconds and Z. */
  readonly time: string;
  /** Leaf hash of the previous entry (hex), GENESIS_PREV for the first: the hash chain. */
  readonly prev: string;
  readonly payload: P;
}

/** The bytes that are hashed and stored: RFC 8785 canonical JSON, UTF-8. */
export function encodeEntry(entry: LogEntry): Buffer {
  return Buffer.from(jcs(entry), 'utf8');
}

export function leafHash(entryBytes: Uint8Array): Buffer {
  // One-shot hash of prefix ‖ entry in a reused buffer: no allocation per entry when verifying millions (the call
  // is synchronous, so the buffer is never shared).
  if (entryBytes.length + 1 > leafInput.length) leafInput = Buffer.alloc(2 * (entryBytes.length + 1));
  leafInput[0] = RFC9162_LEAF_PREFIX;
  leafInput.set(entryBytes, 1);
  return hash('sha256', leafInput.subarray(0, entryBytes.length + 1), 'buffer');
}
let leafInput = Buffer.alloc(64 * 1024);

const TYPE_MARK = Buffer.from('"type":"');

/**
 * An entry's type, read in place: JCS orders the envelope's keys payload, prev, time, type, so the last `"type":"`
 * is the envelope's. Lets a reader skip entries it has no use for without parsing them. Null when there is none.
 */
export function entryType(bytes: Buffer): string | null {
  const at = bytes.lastIndexOf(TYPE_MARK);
  if (at < 0) return null;
  const start = at + TYPE_MARK.length;
  const end = bytes.indexOf(0x22, start);
  return end < 0 ? null : bytes.toString('utf8', start, end);
}

/** The leaf hash of an entry given as text (its UTF-8 bytes), without copying the text into a buffer first. */
export function leafHashOfText(entry: string): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(entry, 'utf8').digest();
}
const LEAF_PREFIX = Uint8Array.of(RFC9162_LEAF_PREFIX);

// The per-group HMAC-SHA256 counter stream and unbiased integers from it (docs/draw-proof.md §7).
import { hash } from 'node:crypto';
import { STREAM_TAG } from './constants.js';

const WORDS_PER_BLOCK = 8;
const TWO_32 = 0x1_0000_0000;
/** RFC 2104 §2 for SHA-256: block length B, digest length L, and the inner and outer pad bytes. */
const SHA256_BLOCK_BYTES = 64;
const SHA256_BYTES = 32;
const IPAD = 0x36;
const OPAD = 0x5c;

/**
 * Block k of group g is HMAC-SHA256(key = seed, STREAM_TAG ‖ u32be(g) ‖ u64be(k)); each block is read as eight
 * big-endian unsigned 32-bit words, in order.
 */
export class CounterStream {
  /** (K ⊕ ipad) ‖ message, the message's counter rewritten per block. */
  private readonly inner: Buffer;
  /** (K ⊕ opad) ‖ the inner hash. */
  private readonly outer: Buffer;
  private readonly counterOffset: number;
  private counter = 0n;
  /** The current block's 32 bytes as a 'binary' (latin1) string: one char per byte, no buffer per block. */
  private block = '';
  private word = WORDS_PER_BLOCK;
  /** Words read so far (for proofs and tests). */
  wordsRead = 0;

  constructor(seed: Uint8Array, group: number) {
    // HMAC-SHA256 as RFC 2104 defines it, from two one-shot SHA-256 calls over buffers made once per stream: a
    // createHmac per block left a native object per block for the garbage collector to finalise (a draw reads dozens).
    const key = Buffer.alloc(SHA256_BLOCK_BYTES);
    if (seed.length > SHA256_BLOCK_BYTES) hash('sha256', seed, 'buffer').copy(key);
    else key.set(seed);
    const tag = Buffer.from(STREAM_TAG, 'ascii');
    this.inner = Buffer.alloc(SHA256_BLOCK_BYTES + tag.length + 4 + 8);
    this.outer = Buffer.alloc(SHA256_BLOCK_BYTES + SHA256_BYTES);
    for (let i = 0; i < SHA256_BLOCK_BYTES; i++) {
      this.inner[i] = key[i]! ^ IPAD;
      this.outer[i] = key[i]! ^ OPAD;
    }
    tag.copy(this.inner, SHA256_BLOCK_BYTES);
    this.inner.writeUInt32BE(group, SHA256_BLOCK_BYTES + tag.length);
    this.counterOffset = SHA256_BLOCK_BYTES + tag.length + 4;
  }

  nextWord(): number {
    if (this.word === WORDS_PER_BLOCK) {
      this.inner.writeBigUInt64BE(this.counter, this.counterOffset);
      this.outer.write(hash('sha256', this.inner, 'binary'), SHA256_BLOCK_BYTES, 'latin1');
      this.block = hash('sha256', this.outer, 'binary');
      this.counter++;
      this.word = 0;
    }
    this.wordsRead++;
    const at = 4 * this.word++;
    const b = this.block;
    return ((b.charCodeAt(at) << 24) | (b.charCodeAt(at + 1) << 16) | (b.charCodeAt(at + 2) << 8) | b.charCodeAt(at + 3)) >>> 0;
  }

  /**
   * A uniform integer in [0, m) for 1 ≤ m ≤ 2^32, by rejection: words at or above the largest multiple of m that
   * fits in 32 bits are discarded, so `word mod m` carries no modulo bias. Always reads at least one word.
   */
  uniform(m: number): number {
    if (!Number.isInteger(m) || m < 1 || m > TWO_32) throw new RangeError(`uniform range out of bounds: ${m}`);
    const limit = TWO_32 - (TWO_32 % m);
    for (;;) {
      const w = this.nextWord();
      if (w < limit) return w % m;
    }
  }
}

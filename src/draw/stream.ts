// The per-group HMAC-SHA256 counter stream and unbiased integers from it (docs/draw-proof.md §7).
import { createHmac } from 'node:crypto';
import { STREAM_TAG } from './constants.js';

const WORDS_PER_BLOCK = 8;
const TWO_32 = 0x1_0000_0000;

/**
 * Block k of group g is HMAC-SHA256(key = seed, STREAM_TAG ‖ u32be(g) ‖ u64be(k)); each block is read as eight
 * big-endian unsigned 32-bit words, in order.
 */
export class CounterStream {
  private readonly message: Buffer;
  private readonly counterOffset: number;
  private counter = 0n;
  private block: Buffer = Buffer.alloc(0);
  private word = WORDS_PER_BLOCK;
  /** Words read so far (for proofs and tests). */
  wordsRead = 0;

  constructor(
    private readonly seed: Uint8Array,
    group: number,
  ) {
    const tag = Buffer.from(STREAM_TAG, 'ascii');
    this.message = Buffer.alloc(tag.length + 4 + 8);
    tag.copy(this.message, 0);
    this.message.writeUInt32BE(group, tag.length);
    this.counterOffset = tag.length + 4;
  }

  nextWord(): number {
    if (this.word === WORDS_PER_BLOCK) {
      this.message.writeBigUInt64BE(this.counter, this.counterOffset);
      this.block = createHmac('sha256', this.seed).update(this.message).digest();
      this.counter++;
      this.word = 0;
    }
    this.wordsRead++;
    return this.block.readUInt32BE(4 * this.word++);
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

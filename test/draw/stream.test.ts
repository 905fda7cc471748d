// The counter stream: the specified block layout, and rejection sampling at the edges of its range.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CounterStream } from '../../src/draw/stream.js';

const seed = Buffer.alloc(32, 0x5a);

function block(group: number, counter: bigint): Buffer {
  const msg = Buffer.alloc(33);
  msg.write('expert-draw/v1/stream', 0, 'ascii');
  msg.writeUInt32BE(group, 21);
  msg.writeBigUInt64BE(counter, 25);
  return createHmac('sha256', seed).update(msg).digest();
}

describe('CounterStream', () => {
  it('reads blocks 0, 1, … of its group as big-endian words', () => {
    const s = new CounterStream(seed, 3);
    const words = Array.from({ length: 16 }, () => s.nextWord());
    const expected = [block(3, 0n), block(3, 1n)].flatMap((b) => Array.from({ length: 8 }, (_, i) => b.readUInt32BE(4 * i)));
    expect(words).toEqual(expected);
  });

  it('gives each group its own stream', () => {
    expect(new CounterStream(seed, 0).nextWord()).not.toBe(new CounterStream(seed, 1).nextWord());
  });

  it('uniform(1) is 0 and still reads a word; uniform(2^32) returns the word itself', () => {
    const s = new CounterStream(seed, 0);
    expect(s.uniform(1)).toBe(0);
    expect(s.wordsRead).toBe(1);
    const t = new CounterStream(seed, 0);
    t.nextWord();
    expect(t.uniform(2 ** 32)).toBe(block(0, 0n).readUInt32BE(4));
  });

  it('rejects words at or above the largest multiple of m', () => {
    // With m = 2^31 + 1 almost half of all words are rejected: the result must be the first word below the limit.
    const m = 2 ** 31 + 1;
    const limit = 2 ** 32 - (2 ** 32 % m);
    const raw = new CounterStream(seed, 9);
    const s = new CounterStream(seed, 9);
    for (let k = 0; k < 50; k++) {
      let w = raw.nextWord();
      while (w >= limit) w = raw.nextWord();
      expect(s.uniform(m)).toBe(w % m);
    }
    expect(s.wordsRead).toBe(raw.wordsRead);
  });

  it('refuses ranges it cannot serve without bias', () => {
    const s = new CounterStream(seed, 0);
    expect(() => s.uniform(0)).toThrow(RangeError);
    expect(() => s.uniform(2 ** 32 + 1)).toThrow(RangeError);
    expect(() => s.uniform(2.5)).toThrow(RangeError);
  });

  it('is HMAC-SHA256 for any key length (keys over 64 bytes are hashed first) and any group', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 130 }), fc.nat({ max: 0xffff_ffff }), (key, group) => {
        const s = new CounterStream(key, group);
        const words = Array.from({ length: 20 }, () => s.nextWord());
        const blocks = [0n, 1n, 2n].map((k) => {
          const msg = Buffer.alloc(33);
          msg.write('expert-draw/v1/stream', 0, 'ascii');
          msg.writeUInt32BE(group, 21);
          msg.writeBigUInt64BE(k, 25);
          return createHmac('sha256', key).update(msg).digest();
        });
        expect(words).toEqual(blocks.flatMap((b) => Array.from({ length: 8 }, (_, i) => b.readUInt32BE(4 * i))).slice(0, 20));
      }),
      { numRuns: 300 },
    );
  });
});

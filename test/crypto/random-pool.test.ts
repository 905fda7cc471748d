import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from '../../src/crypto/random-pool.js';

describe('pooledRandomBytes', () => {
  it('gives buffers of the asked length, also of none and of more than the pool lends', () => {
    for (const n of [0, 1, 12, 24, 333, 512, 513, 5000]) expect(pooledRandomBytes(n)).toHaveLength(n);
  });

  it('never hands out the same bytes twice, across many refills of the pool', () => {
    // 12-byte values as GCM nonces take them: 5,000 of them span about 15 refills of a 4 KiB pool.
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(pooledRandomBytes(12).toString('hex'));
    expect(seen.size).toBe(5000);
  });

  it('gives each caller a buffer of its own (writing one leaves the next untouched)', () => {
    const a = pooledRandomBytes(16);
    const copy = Buffer.from(a);
    const b = pooledRandomBytes(16);
    b.fill(0);
    expect(a).toEqual(copy);
    a.fill(0xff);
    expect(pooledRandomBytes(16).equals(Buffer.alloc(16, 0xff))).toBe(false);
  });

  it('refuses a negative or fractional length', () => {
    expect(() => pooledRandomBytes(-1)).toThrow(RangeError);
    expect(() => pooledRandomBytes(1.5)).toThrow(RangeError);
  });
});

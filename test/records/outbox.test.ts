import { describe, expect, it } from 'vitest';
import { batchOfToken, newBatchId, newBatchTokens } from '../../src/records/outbox.js';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

describe('batch ids and response tokens', () => {
  it('gives a placement its batch id and one token per call: the id, then a 120-bit secret (20 base64url characters)', () => {
    const { batchId, tokens } = newBatchTokens(21, 15);
    expect(batchId).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(tokens).toHaveLength(21);
    for (const token of tokens) {
      expect(token).toHaveLength(32);
      expect(token).toMatch(BASE64URL);
      expect(batchOfToken(token)).toBe(batchId);
      const secret = token.slice(12);
      // Each secret is the base64url of 15 bytes of its own, as if encoded alone.
      expect(Buffer.from(secret, 'base64url')).toHaveLength(15);
      expect(Buffer.from(secret, 'base64url').toString('base64url')).toBe(secret);
    }
    expect(new Set(tokens).size).toBe(21);
  });

  it('draws new ids and secrets every time, also for placements larger than the random pool lends', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) for (const token of newBatchTokens(i % 40 + 1, 15).tokens) seen.add(token.slice(12));
    expect(seen.size).toBe(Array.from({ length: 200 }, (_, i) => i % 40 + 1).reduce((a, b) => a + b, 0));
    const ids = new Set(Array.from({ length: 500 }, () => newBatchId()));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it('places no calls without tokens, and refuses a secret that is not whole base64 characters', () => {
    expect(newBatchTokens(0, 15).tokens).toEqual([]);
    expect(() => newBatchTokens(3, 16)).toThrow(RangeError);
    expect(() => newBatchTokens(3, 0)).toThrow(RangeError);
  });
});

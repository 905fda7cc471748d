// A verified token is taken again only inside the verifier's own window: from nbf to exp, and for at most ten minutes
// after its verification; a refusal is never remembered.
import { describe, expect, it } from 'vitest';
import { VERIFIED_TTL_MS, VerifiedTokens, type Verified } from '../../src/auth/verified-tokens.js';

const S = 1_700_000_000; // seconds
function setup(tokens: Record<string, Verified<string> | Error>, max?: number) {
  let now = S * 1000;
  const calls: string[] = [];
  const memo = new VerifiedTokens<string>(
    (token) => {
      calls.push(token);
      const v = tokens[token];
      if (v === undefined || v instanceof Error) throw v ?? new Error('unknown');
      // As the real verifier: refused outside its window.
      if ((typeof v.nbf === 'number' && now < v.nbf * 1000) || now > v.exp * 1000) throw new Error('refused now');
      return v;
    },
    () => now,
    max,
  );
  return { memo, calls, at: (ms: number) => void (now = ms) };
}

describe('verified tokens', () => {
  it('verifies a token once, then takes it until its exp, inclusive', () => {
    const { memo, calls, at } = setup({ a: { claims: 'A', exp: S + 60 } });
    expect(memo.claimsOf('a')).toBe('A');
    at((S + 60) * 1000);
    expect(memo.claimsOf('a')).toBe('A');
    expect(calls).toEqual(['a']);
    at((S + 60) * 1000 + 1);
    expect(() => memo.claimsOf('a')).toThrow('refused now');
    expect(calls).toEqual(['a', 'a']);
  });

  it('never takes a token before its nbf, nor longer than the verifier’s cache after its verification', () => {
    const { memo, calls, at } = setup({ early: { claims: 'E', nbf: S + 10, exp: S + 7200 }, long: { claims: 'L', exp: S + 7200 } });
    expect(() => memo.claimsOf('early')).toThrow('refused now');
    at((S + 10) * 1000);
    expect(memo.claimsOf('early')).toBe('E');
    expect(memo.claimsOf('long')).toBe('L');
    at((S + 10) * 1000 + VERIFIED_TTL_MS);
    expect(memo.claimsOf('long')).toBe('L');
    expect(calls).toEqual(['early', 'early', 'long']);
    at((S + 10) * 1000 + VERIFIED_TTL_MS + 1);
    expect(memo.claimsOf('long')).toBe('L');
    expect(calls).toEqual(['early', 'early', 'long', 'long']);
  });

  it('verifies a refused token again every time', () => {
    const { memo, calls } = setup({ bad: new Error('bad signature') });
    expect(() => memo.claimsOf('bad')).toThrow('bad signature');
    expect(() => memo.claimsOf('bad')).toThrow('bad signature');
    expect(calls).toEqual(['bad', 'bad']);
  });

  it('forgets the oldest token beyond its size', () => {
    const { memo, calls } = setup({ a: { claims: 'A', exp: S + 60 }, b: { claims: 'B', exp: S + 60 }, c: { claims: 'C', exp: S + 60 } }, 2);
    for (const t of ['a', 'b', 'c', 'b', 'a']) memo.claimsOf(t);
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });
});

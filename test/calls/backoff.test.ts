// Back-off: full jitter within [0, ceiling), ceilings double from base and never pass the cap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, nextAttemptDelayMs, shouldGiveUp } from '../../src/calls/backoff.js';

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const bounds = fc
  .tuple(fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 0, max: 1_000_000 }))
  .map(([baseMs, extra]) => ({ baseMs, capMs: baseMs + extra }));

describe('nextAttemptDelayMs', () => {
  it('uses base 2 s and cap 5 min by default', () => {
    expect(backoffCeilingMs(1)).toBe(2_000);
    expect(backoffCeilingMs(2)).toBe(4_000);
    expect(backoffCeilingMs(8)).toBe(256_000);
    expect(backoffCeilingMs(9)).toBe(300_000);
    expect(backoffCeilingMs(1_000_000)).toBe(300_000);
    expect(nextAttemptDelayMs(1, { random: () => 0 })).toBe(0);
    expect(nextAttemptDelayMs(1, { random: () => 0.5 })).toBe(1_000);
    expect(nextAttemptDelayMs(3, { random: () => 0.999999 })).toBeLessThan(8_000);
  });

  it('stays in [0, ceiling) and never exceeds the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000 }), bounds, unit, (attempt, opts, r) => {
        const ceiling = backoffCeilingMs(attempt, opts);
        const delay = nextAttemptDelayMs(attempt, { ...opts, random: () => r });
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
        expect(ceiling).toBeLessThanOrEqual(opts.capMs);
      }),
    );
  });

  it('has a non-decreasing ceiling that reaches the cap, and for a fixed draw a non-decreasing delay', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000 }), bounds, unit, (attempt, opts, r) => {
        expect(backoffCeilingMs(attempt + 1, opts)).toBeGreaterThanOrEqual(backoffCeilingMs(attempt, opts));
        expect(nextAttemptDelayMs(attempt + 1, { ...opts, random: () => r })).toBeGreaterThanOrEqual(
          nextAttemptDelayMs(attempt, { ...opts, random: () => r }),
        );
        expect(backoffCeilingMs(attempt + 64, opts)).toBe(opts.capMs);
      }),
    );
  });

  it('keeps a misbehaving random source inside the bounds', () => {
    for (const r of [-1, 1, 2, Number.NaN, Number.POSITIVE_INFINITY]) {
      const delay = nextAttemptDelayMs(4, { random: () => r });
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(16_000);
    }
  });

  it('rejects nonsense input', () => {
    expect(() => nextAttemptDelayMs(0)).toThrow(RangeError);
    expect(() => nextAttemptDelayMs(1.5)).toThrow(RangeError);
    expect(() => nextAttemptDelayMs(1, { baseMs: 0 })).toThrow(RangeError);
    expect(() => nextAttemptDelayMs(1, { baseMs: 10, capMs: 5 })).toThrow(RangeError);
    expect(() => nextAttemptDelayMs(1, { capMs: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});

describe('shouldGiveUp', () => {
  it('gives up once maxAttempts attempts were made', () => {
    expect(shouldGiveUp(0, 3)).toBe(false);
    expect(shouldGiveUp(2, 3)).toBe(false);
    expect(shouldGiveUp(3, 3)).toBe(true);
    expect(shouldGiveUp(4, 3)).toBe(true);
    expect(shouldGiveUp(1, 1)).toBe(true);
  });

  it('rejects nonsense input', () => {
    expect(() => shouldGiveUp(1, 0)).toThrow(RangeError);
    expect(() => shouldGiveUp(-1, 3)).toThrow(RangeError);
    expect(() => shouldGiveUp(1, Number.NaN)).toThrow(RangeError);
  });
});

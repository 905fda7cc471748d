// The lockout's rules as pure transitions: five wrong passwords in a row lock, each further lock doubles up to an hour,
// a quiet day forgets, and a lock says how long it lasts.
import { describe, expect, it } from 'vitest';
import { afterFailure, hasFailures, lockedFor, LOCKOUT, NO_FAILURES, type FailureState } from '../../src/auth/lockout.js';

function fail(state: FailureState, at: number, times: number): { state: FailureState; lockMs: number } {
  let step = { state, lockMs: 0 };
  for (let i = 0; i < times; i++) step = afterFailure(step.state, at);
  return step;
}

describe('lockout', () => {
  const t0 = Date.parse('2026-12-01T08:00:00Z');

  it('locks at the fifth wrong password in a row, for a minute', () => {
    const four = fail(NO_FAILURES, t0, LOCKOUT.threshold - 1);
    expect(four.lockMs).toBe(0);
    expect(lockedFor(four.state, t0)).toBe(0);
    const fifth = afterFailure(four.state, t0);
    expect(fifth.lockMs).toBe(60_000);
    expect(lockedFor(fifth.state, t0 + 59_000)).toBe(1000);
    expect(lockedFor(fifth.state, t0 + 60_000)).toBe(0);
  });

  it('doubles each further lock up to an hour, and forgets after a quiet day', () => {
    let state = NO_FAILURES;
    let at = t0;
    const locks: number[] = [];
    for (let i = 0; i < 9; i++) {
      const step = fail(state, at, LOCKOUT.threshold);
      locks.push(step.lockMs / 60_000);
      state = step.state;
      at = state.lockedUntil;
    }
    expect(locks).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
    expect(hasFailures(state)).toBe(true);
    const later = fail(state, at + LOCKOUT.forgetMs + 1, LOCKOUT.threshold);
    expect(later.lockMs).toBe(60_000);
  });
});

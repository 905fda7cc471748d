// Login lockout with back-off, as pure transitions: wrong passwords for one username in a row lock it for a while, and
// each further lock doubles the wait. The state lives in the store (src/records/users.ts, `login-failures`) so that
// every instance counts the same attempts; the login service applies these rules to it.

export interface FailureState {
  /** Wrong passwords since the last success or lock. */
  readonly failures: number;
  /** Locks since the last success (or since a quiet day): the next lock lasts twice as long. */
  readonly locks: number;
  /** Epoch ms; no password is checked before it. 0: not locked. */
  readonly lockedUntil: number;
  /** Epoch ms of the latest wrong password. */
  readonly lastFailureAt: number;
}

export const LOCKOUT = {
  /** Wrong passwords in a row that lock the username. */
  threshold: 5,
  firstLockMs: 60_000,
  maxLockMs: 60 * 60_000,
  /** A day without a wrong password forgets the earlier ones and the locks. */
  forgetMs: 24 * 60 * 60_000,
} as const;

export const NO_FAILURES: FailureState = { failures: 0, locks: 0, lockedUntil: 0, lastFailureAt: 0 };

/** Milliseconds until the username may try again; 0 when it may now. */
export function lockedFor(state: FailureState, now: number): number {
  return Math.max(0, state.lockedUntil - now);
}

/** The state after one more wrong password; `lockMs` > 0 when this failure locked the username. */
export function afterFailure(state: FailureState, now: number): { state: FailureState; lockMs: number } {
  const from = now - state.lastFailureAt > LOCKOUT.forgetMs ? NO_FAILURES : state;
  const failures = from.failures + 1;
  if (failures < LOCKOUT.threshold) return { state: { ...from, failures, lastFailureAt: now }, lockMs: 0 };
  const lockMs = Math.min(LOCKOUT.maxLockMs, LOCKOUT.firstLockMs * 2 ** from.locks);
  return { state: { failures: 0, locks: from.locks + 1, lockedUntil: now + lockMs, lastFailureAt: now }, lockMs };
}

/** Whether a success has anything to clear. */
export function hasFailures(state: FailureState): boolean {
  return state.failures > 0 || state.locks > 0;
}

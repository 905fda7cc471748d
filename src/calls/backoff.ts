// Retry timing for call delivery: exponential back-off with full jitter, capped. Pure.

export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  baseMs?: number;
  /** No delay exceeds this. */
  capMs?: number;
  /** Uniform in [0, 1); injectable for tests. */
  random?: () => number;
}

const DEFAULT_BASE_MS = 2_000;
const DEFAULT_CAP_MS = 300_000;

function checkAttempt(attempt: number): void {
  if (!Number.isSafeInteger(attempt) || attempt < 1) throw new RangeError('attempt must be an integer ≥ 1');
}

/** Upper bound of the delay after `attempt` failed attempts: min(cap, base · 2^(attempt−1)). Non-decreasing. */
export function backoffCeilingMs(attempt: number, opts: Omit<BackoffOptions, 'random'> = {}): number {
  checkAttempt(attempt);
  const baseMs = opts.baseMs ?? DEFAULT_BASE_MS;
  const capMs = opts.capMs ?? DEFAULT_CAP_MS;
  if (!(baseMs > 0) || !(capMs >= baseMs) || !Number.isFinite(capMs)) throw new RangeError('need 0 < baseMs ≤ capMs < ∞');
  // 2^1024 is Infinity; clamp the exponent so huge attempt counts stay finite before the cap applies.
  return Math.min(capMs, baseMs * 2 ** Math.min(attempt - 1, 1000));
}

/** Delay before the next attempt, after `attempt` (≥ 1) failed ones: uniform in [0, ceiling) ("full jitter"). */
export function nextAttemptDelayMs(attempt: number, opts: BackoffOptions = {}): number {
  const ceiling = backoffCeilingMs(attempt, opts);
  const r = (opts.random ?? Math.random)();
  // A bad random source must not stretch or invert the bounds.
  const u = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1 - Number.EPSILON) : 0;
  return Math.floor(u * ceiling);
}

/** True once `attempt` attempts have been made and no more are allowed. */
export function shouldGiveUp(attempt: number, maxAttempts: number): boolean {
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be an integer ≥ 1');
  if (!Number.isSafeInteger(attempt) || attempt < 0) throw new RangeError('attempt must be an integer ≥ 0');
  return attempt >= maxAttempts;
}

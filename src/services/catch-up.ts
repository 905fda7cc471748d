// Catching up with something that only grows (the log, and the views fed from it): one pass at a time, and never a
// pass that began before the caller asked, so that a caller sees what it wrote just before. Callers arriving while a
// pass runs share the next one.
import type { Store } from '../store/store.js';
export function catchingUp(pass: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const run = pass().finally(() => (running = null));
    running = run;
    return run;
  };
  return () => {
    if (next !== null) return next;
    if (running === null) return start();
    next = running
      .catch(() => undefined)
      .then(() => {
        next = null;
        return start();
      });
    return next;
  };
}

/** Entries read per store round trip by a follower. */
const FOLLOW_CHUNK = 2000;

/**
 * A view fed from the log: every entry once, in order, from the first on, as the log grows (this instance's appends
 * and any other's on the same store). `catchUp` resolves once `take` has seen the log as it was when called.
 */
export class LogFollower {
  private read = 0;
  readonly catchUp: () => Promise<void>;

  constructor(store: Pick<Store, 'logSize' | 'readEntries'>, take: (index: number, bytes: Buffer) => void) {
    this.catchUp = catchingUp(async () => {
      const size = await store.logSize();
      while (this.read < size) {
        const start = this.read;
        const entries = await store.readEntries(start, Math.min(size, start + FOLLOW_CHUNK));
        entries.forEach((bytes, i) => take(start + i, bytes));
        this.read = start + entries.length;
      }
    });
  }

  /** Entries taken so far. */
  get size(): number {
    return this.read;
  }
}

// A real store with switchable faults, for the error paths of routes: `conflict` makes every log append lose to
// "another instance" (its expectation fails), `broken` makes every call fail as a broken disk or connection would.
import { RecordConflictError, type Store } from '../../src/store/store.js';

export type Fault = 'conflict' | 'broken' | null;
/** Appears in the injected errors; an answer that contains it leaks internals. */
export const FAULT_MARKER = '/var/lib/secret-path/store.db';

export function faultyStore(inner: Store): { store: Store; set(fault: Fault): void } {
  let fault: Fault = null;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'close') return value;
      return (...args: unknown[]) => {
        if (fault === 'broken') return Promise.reject(new Error(`disk I/O error at ${FAULT_MARKER}`));
        if (fault === 'conflict' && prop === 'appendLog') return Promise.reject(new RecordConflictError('meta', 'pool-version'));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, set: (f) => (fault = f) };
}

// A real store that records which collections are listed, to check that a periodic pass reads its small index and not
// every record ever written.
import type { Store } from '../../src/store/store.js';

export function listingStore(store: Store, listed: string[]): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop === 'listRecords') return (collection: string) => (listed.push(collection), target.listRecords(collection));
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

// A store that notes the draw leases given back, by name, in `released` (the draw tests check which draws keep theirs).
import type { Store } from '../../src/store/store.js';

export function notingDrawReleases(store: Store, released: string[]): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (prop !== 'releaseLease') return (value as (...a: unknown[]) => unknown).bind(target);
      return (name: string, owner: string) => {
        if (name.startsWith('draw:')) released.push(name);
        return target.releaseLease(name, owner);
      };
    },
  });
}

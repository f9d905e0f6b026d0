// A store whose job write number `n` fails as if the worker (Lambda) died
// there: the tests of resumable runs kill them half-way with it.
import type { Store } from '../../functions/core/store/store.ts';

export function crashingAt(store: Store, n: number, message = 'worker died'): Store {
  let writes = 0;
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'putJob') return async (...args: Parameters<Store['putJob']>) => { if (++writes === n) throw new Error(message); return target.putJob(...args); };
      const value = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

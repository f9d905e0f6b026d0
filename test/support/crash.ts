// A store whose job write number `n` (putJob or putJobWithCounts) fails as if
// the worker (Lambda) died there: the tests of resumable runs kill them
// half-way with it.
import type { Store } from '../../functions/core/store/store.ts';

const JOB_WRITES = new Set<string | symbol>(['putJob', 'putJobWithCounts']);

export function crashingAt(store: Store, n: number, message = 'worker died'): Store {
  let writes = 0;
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (!JOB_WRITES.has(name)) return value.bind(target);
      return async (...args: unknown[]) => {
        if (++writes === n) throw new Error(message);
        return value.apply(target, args);
      };
    },
  });
}

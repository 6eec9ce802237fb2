/**
 * The store as main.ts hands it to everything else: the same object, with every call timed
 * into defuse_store_call_seconds and failures counted, by part (cases, drills, ...) and
 * operation. The store code itself knows nothing about metrics.
 */
import type { Store } from '../core/ports/store.ts';
import type { Metrics } from './defuse-metrics.ts';

const PARTS = ['cases', 'escalations', 'routes', 'events', 'drills', 'preferences'] as const;

function timed<T extends object>(part: string, target: T, metrics: Metrics): T {
  return new Proxy(target, {
    get(t, op, receiver) {
      const v = Reflect.get(t, op, receiver) as unknown;
      if (typeof v !== 'function' || typeof op !== 'string') return v;
      return (...args: unknown[]) => {
        const started = performance.now();
        const done = () => metrics.storeSeconds.observe({ part, op }, (performance.now() - started) / 1000);
        let result: unknown;
        try {
          result = (v as (...a: unknown[]) => unknown).apply(t, args);
        } catch (err) {
          metrics.storeErrors.inc({ part, op });
          throw err;
        }
        if (result instanceof Promise) {
          return result.then(
            (r: unknown) => {
              done();
              return r;
            },
            (err: unknown) => {
              done();
              metrics.storeErrors.inc({ part, op });
              throw err;
            },
          );
        }
        done();
        return result;
      };
    },
  });
}

export function timedStore(store: Store, metrics: Metrics): Store {
  const wrapped = { ...store } as Store;
  for (const part of PARTS) (wrapped as unknown as Record<string, object>)[part] = timed(part, store[part], metrics);
  wrapped.ping = () => store.ping();
  wrapped.close = () => store.close();
  return wrapped;
}

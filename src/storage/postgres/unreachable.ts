/**
 * A PostgreSQL server that has gone away (stopped, restarting, network cut) is a store that is
 * unavailable right now, not a bug: its errors become StoreError('store_unavailable'), whose
 * message tells the agent to send again in a moment, and /readyz says so. Any other error
 * (a constraint, bad SQL) passes through unchanged.
 */
import type pg from 'pg';
import { StoreError } from '../../core/errors.ts';

/** Node's socket errors and PostgreSQL's connection-exception and shutdown SQLSTATEs. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
/** pg reports a dropped connection in words, without a code. */
const CONNECTION_WORDS = /connection terminated|connection error|terminating connection|timeout exceeded when trying to connect|Connection refused/i;

export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  return (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) || (typeof e.message === 'string' && CONNECTION_WORDS.test(e.message));
}

export function unavailable(err: unknown, where: string): unknown {
  return isConnectionError(err) ? new StoreError('store_unavailable', `The PostgreSQL database ${where} cannot be reached right now.`, err) : err;
}

/** The pool, with connection failures of `query` and `connect` turned into StoreError. */
export function guardPool(pool: pg.Pool, where: string): pg.Pool {
  return new Proxy(pool, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (prop === 'query' || prop === 'connect') {
        return (...args: unknown[]) => (v as (...a: unknown[]) => Promise<unknown>).apply(target, args).catch((err: unknown) => {
          throw unavailable(err, where);
        });
      }
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * Retention: closed or idle cases older than RETENTION_DAYS are deleted (their turns and
 * escalations with them), and expired event claims are forgotten. Runs at start and then
 * periodically; the clock is injected so a test can move time.
 */
import type { Store } from '../core/ports/store.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionResult {
  cases: number;
  events: number;
}

export async function runRetention(store: Store, days: number, now: Date): Promise<RetentionResult> {
  const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
  return { cases: await store.cases.purge(cutoff), events: await store.events.purge(now.toISOString()) };
}

export function startRetention(
  store: Store,
  options: { days: number; everyMs: number; now: () => Date; onResult?: (r: RetentionResult) => void; onError?: (err: unknown) => void },
): () => void {
  let running = false;
  const tick = () => {
    // One run at a time: a slow purge is never stacked by the next tick.
    if (running) return;
    running = true;
    runRetention(store, options.days, options.now())
      .then((r) => options.onResult?.(r))
      .catch((err) => options.onError?.(err))
      .finally(() => {
        running = false;
      });
  };
  tick();
  const timer = setInterval(tick, options.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

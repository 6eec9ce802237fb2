import { describe, expect, it, vi } from 'vitest';
import { startRetention } from '../../src/jobs/retention.ts';
import { memoryStore } from '../../src/storage/memory/memory-store.ts';

describe('the retention job', () => {
  it('purges on start and on every tick, reading the injected clock', async () => {
    vi.useFakeTimers();
    try {
      const store = memoryStore();
      let now = new Date('2026-01-01T00:00:00Z');
      const at = (d: string) => ({ turns: [{ role: 'customer' as const, text: 'x' }], shownWordings: [], stepsTaken: [], at: d });
      await store.cases.append('a', at('2026-01-01T00:00:00.000Z'));
      const results: number[] = [];
      const stop = startRetention(store, { days: 30, everyMs: 3_600_000, now: () => now, onResult: (r) => results.push(r.cases) });
      await vi.advanceTimersByTimeAsync(0);
      expect(results).toEqual([0]);
      // 31 days later the idle case is past retention: the next tick deletes it.
      now = new Date('2026-02-01T00:00:01Z');
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(results).toEqual([0, 1]);
      expect(await store.cases.get('a')).toBeUndefined();
      stop();
      await vi.advanceTimersByTimeAsync(3 * 3_600_000);
      expect(results).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.ts';
import { memoryStore } from '../../src/storage/memory/memory-store.ts';

/** The memory store, counting the case reads the coach makes. */
function countingStore() {
  const store = memoryStore();
  const reads: string[] = [];
  const get = store.cases.get.bind(store.cases);
  store.cases.get = (id: string) => {
    reads.push(id);
    return get(id);
  };
  return { store, reads };
}

describe('what the coach reads before it answers', () => {
  const { store, reads } = countingStore();
  const engine = createEngine({ store });

  it('reads nothing for a message that opens its case, or one without a case id', async () => {
    await engine.coach.coachCase({ caseId: 'slack:T1:C1:1.0', opensCase: true, text: 'My order is a week late and nobody answers.' });
    await engine.coach.coachCase({ text: 'My order is a week late and nobody answers.' });
    expect(reads).toEqual([]);
  });

  it('reads the stored case for a message that continues it, and the turns count', async () => {
    const next = await engine.coach.coachCase({ caseId: 'slack:T1:C1:1.0', text: 'Still nothing. This is the second time I have asked.' });
    expect(reads).toEqual(['slack:T1:C1:1.0']);
    expect(next.advice.turnsRead.customer).toBe(2);
    expect(next.advice.trend.history).toHaveLength(2);
  });
});

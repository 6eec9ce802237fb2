/**
 * The same inbound event delivered to two replicas at once produces exactly one reply:
 * two engines, each with its own connection to one database, race on copies of an event.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handleOnce } from '../../src/core/inbound.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { createEngine } from '../../src/engine.ts';
import { postgresStore } from '../../src/storage/postgres/postgres-store.ts';
import { sqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { freshSchema } from './pg-schema.ts';

const root = mkdtempSync(join(tmpdir(), 'defuse-once-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const engines: { name: string; open: () => Promise<[Store, Store]> }[] = [
  {
    name: 'sqlite',
    open: async () => {
      const path = join(root, 'defuse.sqlite');
      return [sqliteStore(path), sqliteStore(path)];
    },
  },
];
const url = process.env.TEST_DATABASE_URL;
if (url) {
  engines.push({
    name: 'postgres',
    open: async () => {
      const u = await freshSchema(url, 'once_test');
      return Promise.all([postgresStore(u), postgresStore(u)]);
    },
  });
}

for (const e of engines) {
  describe(`redelivered events on ${e.name}`, () => {
    it('replies exactly once when two replicas receive the same event, however many copies arrive', async () => {
      const [a, b] = await e.open();
      const replicas = [createEngine({ store: a }), createEngine({ store: b })];
      const replies: string[] = [];
      const deliver = (replica: number) =>
        handleOnce(replicas[replica]!.store.events, { source: 'slack', id: 'Ev0ONCE' }, new Date(), async () => {
          const advice = await replicas[replica]!.coach.coach({ caseId: 'T1:C1:171.1', text: 'third time asking, where is my refund?' });
          replies.push(`replica ${replica}: ${advice.step}`);
          return advice;
        });
      const outcomes = await Promise.all([deliver(0), deliver(1), deliver(0), deliver(1), deliver(1)]);
      expect(outcomes.filter((o) => o.handled)).toHaveLength(1);
      expect(replies).toHaveLength(1);
      // The case holds the customer's message once, not once per copy.
      const stored = (await a.cases.get('T1:C1:171.1'))!;
      expect(stored.turns.filter((t) => t.role === 'customer')).toHaveLength(1);
      // A different event is handled as usual.
      expect((await handleOnce(b.events, { source: 'slack', id: 'Ev0OTHER' }, new Date(), async () => 1)).handled).toBe(true);
      await a.close();
      await b.close();
    });
  });
}

/**
 * The store contract on PostgreSQL. Runs when TEST_DATABASE_URL is set (.ci/run starts a
 * throwaway cluster and sets it); refuses a database whose name lacks "test", because the
 * suite drops every table it finds there.
 */
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { postgresStore } from '../../src/storage/postgres/postgres-store.ts';
import { storeContract } from './contract.ts';
import { assertTestDatabase, freshSchema } from './pg-schema.ts';

const url = process.env.TEST_DATABASE_URL;

describe('the PostgreSQL suite guard', () => {
  it('refuses a database whose name lacks "test"', () => {
    expect(() => assertTestDatabase('postgres://u@127.0.0.1:5432/defuse')).toThrow(/contains "test"/);
    expect(() => assertTestDatabase('postgres://u@127.0.0.1:5432/defuse_test')).not.toThrow();
  });
});

if (url) {
  assertTestDatabase(url);
  let schemaUrl = '';
  let admin: pg.Pool | undefined;
  afterAll(() => admin?.end());
  const reset = async () => {
    await admin?.end();
    schemaUrl = await freshSchema(url, 'contract_test');
    admin = new pg.Pool({ connectionString: schemaUrl, max: 2 });
  };

  storeContract('postgres', {
    async open() {
      await reset();
      return postgresStore(schemaUrl, { poolSize: 5 });
    },
    async second() {
      return postgresStore(schemaUrl, { poolSize: 5 });
    },
    async corrupt(id) {
      await admin!.query(`UPDATE case_turns SET actions = '{"not": "a list"}'::jsonb WHERE case_id = $1`, [id]);
    },
    async reopenTooNew() {
      await reset();
      const s = await postgresStore(schemaUrl);
      await s.close();
      await admin!.query('INSERT INTO schema_migrations (version, applied_at) VALUES (999, now())');
      return postgresStore(schemaUrl);
    },
  });

  describe('postgres migrations', () => {
    it('lets two replicas start at once: one migrates, the other waits and finds it done', async () => {
      await reset();
      const [a, b] = await Promise.all([postgresStore(schemaUrl), postgresStore(schemaUrl)]);
      const rows = (await admin!.query('SELECT version FROM schema_migrations ORDER BY version')).rows;
      expect(rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6]);
      const indexes = (await admin!.query('SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()')).rows.map((r) => r.indexname);
      expect(indexes).toEqual(expect.arrayContaining(['cases_open', 'case_turns_at', 'escalations_created_at', 'scorecards_created_at']));
      await a.close();
      await b.close();
    });
  });

  describe('postgres step counts', () => {
    it('refuses an assessment without a step, naming its row', async () => {
      await reset();
      const s = await postgresStore(schemaUrl, { poolSize: 2 });
      const assessment = { emotion: 'angry' as const, intensity: 0.8, stage: 'venting' as const, flags: [], step: 'listen' as const };
      await s.cases.append('bad', { turns: [{ role: 'customer', text: 'hi' }], assessment, shownWordings: [], stepsTaken: [], at: '2026-01-01T00:00:00.000Z' });
      expect(await s.cases.stepCounts('2026-01-01T00:00:00.000Z')).toEqual({ listen: 1 });
      await admin!.query(`UPDATE case_turns SET assessment = '{"emotion": "angry"}'::jsonb WHERE case_id = $1`, ['bad']);
      const err = await s.cases.stepCounts('2026-01-01T00:00:00.000Z').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'store_corrupt' });
      expect((err as Error).message).toMatch(/case_turns\[bad#1\].*"assessment"/);
      await s.close();
    });
  });
}

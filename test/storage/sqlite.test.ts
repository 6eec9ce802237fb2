import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../../src/storage/sqlite/migrations.ts';
import { sqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { storeContract } from './contract.ts';

const root = mkdtempSync(join(tmpdir(), 'defuse-sqlite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
let path = '';

storeContract('sqlite', {
  async open() {
    path = join(root, `db-${++n}`, 'defuse.sqlite');
    return sqliteStore(path);
  },
  // A second connection to the same file: what another process would have.
  async second() {
    return sqliteStore(path);
  },
  async corrupt(id) {
    const s = sqliteStore(path);
    s.db.run('UPDATE case_turns SET actions = ? WHERE case_id = ?', '{not json', id);
    await s.close();
  },
  async reopenTooNew() {
    path = join(root, `db-${++n}`, 'defuse.sqlite');
    const s = sqliteStore(path);
    s.db.run('INSERT INTO schema_migrations (version, applied_at) VALUES (999, ?)', new Date().toISOString());
    await s.close();
    return sqliteStore(path);
  },
});

describe('sqlite migrations', () => {
  it('upgrades a database written at schema version 1, keeping its cases', async () => {
    const p = join(root, 'v1', 'defuse.sqlite');
    mkdirSync(join(root, 'v1'));
    const db = new DatabaseSync(p);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    db.exec(SQLITE_MIGRATIONS[0]!.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (1, ?)').run('2026-01-01T00:00:00.000Z');
    db.prepare('INSERT INTO cases (id, channel, created_at, updated_at) VALUES (?, ?, ?, ?)').run(
      'old',
      JSON.stringify({ channel: 'slack', address: { team: 'T1', channel: 'C1', thread: '1.1', agent: 'U_OLD' } }),
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    );
    db.close();
    const s = sqliteStore(p);
    expect(s.db.all('SELECT version FROM schema_migrations ORDER BY version').map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await s.cases.recentForAgent('U_OLD', 5)).map((c) => c.id)).toEqual(['old']);
    const indexes = s.db.all("SELECT name FROM sqlite_master WHERE type = 'index'").map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['cases_open', 'case_turns_at', 'escalations_created_at', 'scorecards_created_at']));
    expect((await s.cases.activeSince('2026-01-01T00:00:00.000Z', 5)).map((c) => c.id)).toEqual(['old']);
    await s.close();
  });
});

describe('sqlite step counts', () => {
  it('refuses an unreadable assessment, naming its row', async () => {
    const s = sqliteStore(join(root, 'steps', 'defuse.sqlite'));
    const assessment = { emotion: 'angry' as const, intensity: 0.8, stage: 'venting' as const, flags: [], step: 'listen' as const };
    await s.cases.append('bad', { turns: [{ role: 'customer', text: 'hi' }], assessment, shownWordings: [], stepsTaken: [], at: '2026-01-01T00:00:00.000Z' });
    expect(await s.cases.stepCounts('2026-01-01T00:00:00.000Z')).toEqual({ listen: 1 });
    for (const broken of ['{not json', '{"emotion": "angry"}']) {
      s.db.run('UPDATE case_turns SET assessment = ? WHERE case_id = ?', broken, 'bad');
      const err = await s.cases.stepCounts('2026-01-01T00:00:00.000Z').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'store_corrupt' });
      expect((err as Error).message).toMatch(/case_turns\[bad#1\].*"assessment"/);
    }
    await s.close();
  });
});

describe('sqlite group commit', () => {
  const entry = (text: string) => ({ turns: [{ role: 'customer' as const, text }], shownWordings: [], stepsTaken: [], at: new Date().toISOString() });

  it('commits the writes of one event-loop turn together, and a failing write rolls back alone', async () => {
    const s = sqliteStore(join(root, 'group', 'defuse.sqlite'));
    const begins: string[] = [];
    const prepare = s.db.prepare.bind(s.db);
    s.db.prepare = (sql: string) => {
      if (sql.startsWith('BEGIN')) begins.push(sql);
      return prepare(sql);
    };
    const results = await Promise.allSettled([
      s.cases.append('a', entry('first')),
      // No such case: the foreign key refuses the escalation.
      s.escalations.open({ caseId: 'missing', reason: 'legal', summary: 'x', at: new Date().toISOString() }),
      s.cases.append('b', entry('second')),
      s.events.claim('slack', 'Ev1', new Date(Date.now() + 60_000).toISOString()),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(begins).toHaveLength(1);
    expect((await s.cases.get('a'))?.turns.map((t) => t.text)).toEqual(['first']);
    expect((await s.cases.get('b'))?.turns.map((t) => t.text)).toEqual(['second']);
    expect(await s.escalations.forCase('missing')).toEqual([]);
    expect(await s.events.claim('slack', 'Ev1', new Date().toISOString())).toBe(false);
    await s.close();
  });

  it('writes what is still queued when the store closes', async () => {
    const p = join(root, 'group-close', 'defuse.sqlite');
    const s = sqliteStore(p);
    const pending = s.cases.append('c', entry('last words'));
    await s.close();
    await pending;
    const again = sqliteStore(p);
    expect((await again.cases.get('c'))?.turns.map((t) => t.text)).toEqual(['last words']);
    await again.close();
  });
});

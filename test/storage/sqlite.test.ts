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
    expect(s.db.all('SELECT version FROM schema_migrations ORDER BY version').map((r) => r.version)).toEqual([1, 2, 3, 4]);
    expect((await s.cases.recentForAgent('U_OLD', 5)).map((c) => c.id)).toEqual(['old']);
    await s.close();
  });
});

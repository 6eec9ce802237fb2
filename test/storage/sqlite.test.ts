import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
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

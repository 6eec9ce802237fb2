/**
 * Real processes against one database: a writer killed mid-write (SIGKILL) leaves a
 * database that opens and holds every case it had committed; two processes appending to
 * one case lose nothing. On SQLite always, on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../src/storage/postgres/postgres-store.ts';
import { sqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { freshSchema } from './pg-schema.ts';

const WRITER = new URL('./fixtures/writer.ts', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'defuse-proc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(args: string[], killAfter?: number): Promise<{ committed: string[]; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const committed: string[] = [];
    let buf = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) if (l.startsWith('committed ')) committed.push(l.slice(10));
      if (killAfter !== undefined && committed.length >= killAfter && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => resolve({ committed, signal, stderr }));
  });
}

interface Engine {
  name: string;
  target: () => Promise<string>;
  open: (target: string) => Promise<Store>;
}

const engines: Engine[] = [
  {
    name: 'sqlite',
    target: async () => join(mkdtempSync(join(root, 'db-')), 'defuse.sqlite'),
    open: async (t) => sqliteStore(t),
  },
];
const url = process.env.TEST_DATABASE_URL;
if (url) {
  engines.push({
    name: 'postgres',
    target: () => freshSchema(url, 'processes_test'),
    open: (t) => postgresStore(t, { poolSize: 2 }),
  });
}

for (const e of engines) {
  describe(`${e.name} with real processes`, () => {
    it('opens after a writer is killed mid-write, with every committed case whole', async () => {
      const target = await e.target();
      await (await e.open(target)).close();
      const { committed, signal } = await run([target, 'cases', 'k', '100000'], 40);
      expect(signal).toBe('SIGKILL');
      expect(committed.length).toBeGreaterThanOrEqual(40);
      const s = await e.open(target);
      if (e.name === 'sqlite') {
        const db = (s as unknown as { db: { get: (sql: string) => Record<string, unknown> } }).db;
        expect(db.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
      }
      for (const id of committed) {
        const c = await s.cases.get(id);
        expect(c, id).toBeDefined();
        expect(c!.turns.map((t) => t.role)).toEqual(['customer', 'agent']);
      }
      await s.close();
    }, 60_000);

    it('keeps every turn when two processes append to one case at once', async () => {
      const target = await e.target();
      await (await e.open(target)).close();
      const [a, b] = await Promise.all([run([target, 'turns', 'shared', '25', 'a']), run([target, 'turns', 'shared', '25', 'b'])]);
      expect(a.stderr).toBe('');
      expect(b.stderr).toBe('');
      const s = await e.open(target);
      const c = (await s.cases.get('shared'))!;
      expect(c.turns.map((t) => t.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      for (const who of ['a', 'b']) expect(c.turns.filter((t) => t.text.startsWith(`${who}-`)).map((t) => t.text)).toEqual(Array.from({ length: 25 }, (_, i) => `${who}-${i}`));
      await s.close();
    }, 60_000);
  });
}

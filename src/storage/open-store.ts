/** Chooses the store from configuration: PostgreSQL when DATABASE_URL is set, else SQLite in DATA_DIR. */
import { join } from 'node:path';
import type { Store } from '../core/ports/store.ts';
import { postgresStore } from './postgres/postgres-store.ts';
import { sqliteStore } from './sqlite/sqlite-store.ts';

export const SQLITE_FILE = 'defuse.sqlite';

export async function openStore(config: { databaseUrl?: string | undefined; dataDir: string }): Promise<Store> {
  if (config.databaseUrl) return postgresStore(config.databaseUrl);
  return sqliteStore(join(config.dataDir, SQLITE_FILE));
}

/**
 * Each PostgreSQL test file works in a schema of its own (files run in parallel), named
 * for the file, on the database TEST_DATABASE_URL names, which must contain "test".
 */
import pg from 'pg';

export function assertTestDatabase(u: string): void {
  const name = new URL(u).pathname.replace(/^\//, '');
  if (!name.includes('test')) throw new Error(`TEST_DATABASE_URL names the database "${name}": the PostgreSQL suite only runs on a database whose name contains "test".`);
}

/** Drops and recreates `schema`; returns a URL whose connections use it. */
export async function freshSchema(url: string, schema: string): Promise<string> {
  assertTestDatabase(url);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await c.end();
  }
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

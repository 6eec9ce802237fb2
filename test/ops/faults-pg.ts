/**
 * A throwaway PostgreSQL cluster for the fault tests: initdb into a temporary directory,
 * started on a free loopback port with pg_ctl, stopped and started again at will, removed at
 * the end. As root the cluster runs as the `postgres` system user (initdb refuses root), as
 * .ci/run does it.
 */
import { freePort } from '../support/service-harness.ts';
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The newest PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin), or undefined. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const newest = versions.at(-1);
  return newest === undefined ? undefined : join(root, newest, 'bin');
}

export interface Cluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication on loopback). */
  url: string;
  /** `pg_ctl stop -m fast`: connections are terminated, the server goes away. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server if it runs (immediate) and removes the directory. Never throws. */
  destroy(): Promise<void>;
  /** The server's log, for a failure message. */
  log(): string;
}


const asRoot = process.getuid?.() === 0;
/** Runs a PostgreSQL tool, as the postgres user when this process is root. Async: the service shares this event loop. */
function asPostgres(bin: string, tool: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const file = join(bin, tool);
  return asRoot ? run('runuser', ['-u', 'postgres', '--', file, ...args], { env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } }) : run(file, args);
}

export async function createCluster(bin: string): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'defuse-faults-pg-'));
  if (asRoot) chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), Number((await run('id', ['-g', 'postgres'])).stdout.trim()));
  const data = join(dir, 'data');
  const logFile = join(dir, 'log');
  const port = await freePort();
  let running = false;
  const cluster: Cluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await asPostgres(bin, 'pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`, 'start']);
      running = true;
    },
    async stop() {
      await asPostgres(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
      running = false;
    },
    async destroy() {
      if (running || existsSync(join(data, 'postmaster.pid'))) {
        await asPostgres(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']).catch(() => undefined);
        running = false;
      }
      rmSync(dir, { recursive: true, force: true });
    },
    log() {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
  };
  try {
    // --no-sync: a throwaway cluster need not survive a power cut, and initdb is much faster.
    await asPostgres(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    await cluster.start();
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
  return cluster;
}

/**
 * Configuration: read once at start from the environment (and a .env file, by main.ts),
 * validated as a whole. Every problem is reported together, each with the variable to fix.
 */
import { DefuseError } from './core/errors.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  /** Where the SQLite database lives when DATABASE_URL is not set. */
  dataDir: string;
  /** PostgreSQL for several replicas; unset means SQLite in dataDir. */
  databaseUrl: string | undefined;
  /** Closed and idle cases older than this many days are deleted. */
  retentionDays: number;
  logLevel: LogLevel;
}

export class ConfigError extends DefuseError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('config_invalid', `Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

export function readConfig(env: Env): Config {
  const problems: string[] = [];
  const databaseUrl = value(env, 'DATABASE_URL');
  if (databaseUrl !== undefined) {
    let ok = false;
    try {
      ok = ['postgres:', 'postgresql:'].includes(new URL(databaseUrl).protocol);
    } catch {
      ok = false;
    }
    // The value itself is never echoed: it usually holds a password.
    if (!ok) problems.push('DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/defuse (or unset it to use SQLite in DATA_DIR)');
  }
  const retentionRaw = value(env, 'RETENTION_DAYS');
  const retentionDays = retentionRaw === undefined ? 30 : Number(retentionRaw);
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650) {
    problems.push(`RETENTION_DAYS must be a whole number of days from 1 to 3650 (got "${retentionRaw}")`);
  }
  const logLevel = (value(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  if (problems.length > 0) throw new ConfigError(problems);
  return { dataDir: value(env, 'DATA_DIR') ?? './data', databaseUrl, retentionDays, logLevel: logLevel as LogLevel };
}

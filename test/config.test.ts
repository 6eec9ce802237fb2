import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';

describe('configuration', () => {
  it('defaults to SQLite in ./data, 30 days of retention and info logs', () => {
    expect(readConfig({})).toEqual({ dataDir: './data', databaseUrl: undefined, retentionDays: 30, logLevel: 'info' });
  });

  it('reports every problem at once, each naming its variable, and never echoes DATABASE_URL', () => {
    let err: unknown;
    try {
      readConfig({ DATABASE_URL: 'mysql://root:hunter2@db/x', RETENTION_DAYS: 'soon', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^DATABASE_URL /);
    expect(problems[1]).toMatch(/^RETENTION_DAYS .*"soon"/);
    expect(problems[2]).toMatch(/^LOG_LEVEL /);
    expect((err as Error).message).not.toContain('hunter2');
  });
});

describe('logging', () => {
  it('keeps customer text out of logs above debug', () => {
    const lines: string[] = [];
    const info = createLogger('info', (l) => lines.push(l));
    info.debugText('customer message', 'you are useless, refund me');
    info.info('coached', { caseId: 'c1', emotion: 'angry' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('useless');
    const debug = createLogger('debug', (l) => lines.push(l));
    debug.debugText('customer message', 'you are useless, refund me');
    expect(lines.at(-1)).toContain('useless');
  });
});

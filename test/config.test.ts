import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';

describe('configuration', () => {
  it('defaults to SQLite in ./data, 30 days of retention and info logs', () => {
    expect(readConfig({})).toEqual({
      dataDir: './data',
      databaseUrl: undefined,
      retentionDays: 30,
      logLevel: 'info',
      port: 3978,
      slack: undefined,
      // Teams is on by default, unauthenticated (for the Emulator) until MicrosoftAppId is set.
      teams: { appId: undefined, appPassword: undefined, appType: 'SingleTenant', tenantId: undefined, supervisors: [] },
    });
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

describe('Slack configuration', () => {
  const secret = '0123456789abcdef0123456789abcdef';
  it('turns Slack on with a bot token and a signing secret', () => {
    const c = readConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: 'http://127.0.0.1:9999/api/', SUPERVISOR_SLACK_USERS: 'U0123456, U0999999' });
    expect(c.slack).toEqual({ botToken: 'xoxb-1-2-abc', signingSecret: secret, appToken: undefined, apiUrl: 'http://127.0.0.1:9999/api/', escalationChannel: undefined, supervisors: ['U0123456', 'U0999999'] });
  });

  it('uses Socket Mode with an app-level token, which needs no signing secret', () => {
    expect(readConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A1-2-abc' }).slack).toMatchObject({ appToken: 'xapp-1-A1-2-abc', signingSecret: undefined });
    expect(() => readConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-wrong' })).toThrow(/SLACK_APP_TOKEN must be an app-level token/);
    expect(() => readConfig({ SLACK_APP_TOKEN: 'xapp-1' })).toThrow(/SLACK_BOT_TOKEN is missing/);
  });

  it('names each malformed Slack variable without echoing a token', () => {
    let err: ConfigError | undefined;
    try {
      readConfig({ SLACK_BOT_TOKEN: 'xoxp-user-token-value', SLACK_SIGNING_SECRET: 'nope', SLACK_API_URL: 'http://127.0.0.1:9999', SLACK_ESCALATION_CHANNEL: '#support', PORT: '99999' });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err?.problems.map((p) => p.split(' ')[0])).toEqual(['PORT', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_API_URL', 'SLACK_ESCALATION_CHANNEL']);
    expect(err?.message).not.toContain('xoxp-user-token-value');
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

describe('.env.example', () => {
  it('is a valid configuration as written, and names every variable the README documents', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('dotenv');
    const example = parse(readFileSync(new URL('../.env.example', import.meta.url), 'utf8'));
    expect(() => readConfig(example)).not.toThrow();
    const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    for (const name of ['PORT', 'DATA_DIR', 'DATABASE_URL', 'RETENTION_DAYS', 'LOG_LEVEL', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_ESCALATION_CHANNEL', 'SUPERVISOR_SLACK_USERS']) {
      expect(text, name).toContain(name);
    }
  });
});

import { availableParallelism } from 'node:os';
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
      host: undefined,
      slack: undefined,
      // Teams is on by default, unauthenticated (for the Emulator) until MicrosoftAppId is set.
      teams: { appId: undefined, appPassword: undefined, appType: 'SingleTenant', tenantId: undefined, supervisors: [] },
      llm: undefined,
      rateLimits: { userPerMinute: 20, workspacePerMinute: 1200 },
      apiKeys: [],
      shutdownGraceMs: 8_000,
      analysisThread: availableParallelism() > 1,
      console: { token: undefined, supervisorToken: undefined },
    });
  });

  it('reads API keys as name:secret pairs and never echoes a secret in a problem', () => {
    const secret = 'a'.repeat(32);
    expect(readConfig({ DEFUSE_API_KEYS: `sidebar:${secret}, script:${'b'.repeat(24)}` }).apiKeys).toEqual([
      { name: 'sidebar', secret },
      { name: 'script', secret: 'b'.repeat(24) },
    ]);
    const short = () => readConfig({ DEFUSE_API_KEYS: 'sidebar:tooshort-secret-value' });
    expect(short).toThrow(/DEFUSE_API_KEYS entry "sidebar" needs a secret of at least 24 characters/);
    expect(short).not.toThrow(/tooshort/);
    expect(() => readConfig({ DEFUSE_API_KEYS: `${secret}` })).toThrow(/entry 1 must look like name:secret/);
    expect(() => readConfig({ DEFUSE_API_KEYS: `a:${secret},a:${secret}` })).toThrow(/names "a" twice/);
  });

  it('reads the console\'s access settings, refusing short or shared tokens and a header that is not X-', () => {
    expect(readConfig({ CONSOLE_AUTH_HEADER: 'X-Forwarded-Email', CONSOLE_SUPERVISOR_USERS: 'Lee@example.com, kim@example.com' }).console).toEqual({
      token: undefined,
      supervisorToken: undefined,
      authHeader: 'x-forwarded-email',
      supervisorUsers: ['lee@example.com', 'kim@example.com'],
    });
    expect(() => readConfig({ CONSOLE_TOKEN: 'short' })).toThrow(/CONSOLE_TOKEN must be at least 24 characters/);
    expect(() => readConfig({ CONSOLE_TOKEN: 'c'.repeat(30), CONSOLE_SUPERVISOR_TOKEN: 'c'.repeat(30) })).toThrow(/must differ/);
    expect(() => readConfig({ CONSOLE_AUTH_HEADER: 'Authorization' })).toThrow(/CONSOLE_AUTH_HEADER must be/);
    expect(() => readConfig({ CONSOLE_SUPERVISOR_USERS: 'lee@example.com' })).toThrow(/needs CONSOLE_AUTH_HEADER/);
  });

  it('reads the address to listen on', () => {
    expect(readConfig({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    expect(readConfig({ HOST: '::' }).host).toBe('::');
    expect(() => readConfig({ HOST: 'http://0.0.0.0:80' })).toThrow(/HOST must be an address to listen on/);
  });

  it('reads rate limits and the shutdown grace, 0 turning a limit off', () => {
    const c = readConfig({ RATE_LIMIT_USER_PER_MINUTE: '0', RATE_LIMIT_WORKSPACE_PER_MINUTE: '50', SHUTDOWN_GRACE_MS: '2500' });
    expect(c.rateLimits).toEqual({ userPerMinute: 0, workspacePerMinute: 50 });
    expect(c.shutdownGraceMs).toBe(2500);
    expect(() => readConfig({ RATE_LIMIT_USER_PER_MINUTE: 'lots', SHUTDOWN_GRACE_MS: '-1' })).toThrow(/RATE_LIMIT_USER_PER_MINUTE must be[\s\S]*SHUTDOWN_GRACE_MS must be/);
  });

  it('reads whether cases are read on a thread of their own: auto by the core count, or forced', () => {
    expect(readConfig({}).analysisThread).toBe(availableParallelism() > 1);
    expect(readConfig({ ANALYSIS_THREAD: 'on' }).analysisThread).toBe(true);
    expect(readConfig({ ANALYSIS_THREAD: 'OFF' }).analysisThread).toBe(false);
    expect(() => readConfig({ ANALYSIS_THREAD: 'yes' })).toThrow(/ANALYSIS_THREAD must be auto, on or off \(got "yes"\)/);
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

describe('Teams configuration', () => {
  const APP = '00000000-1111-2222-3333-444444444444';
  const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

  it('is on by default, unauthenticated, and off with TEAMS_ENABLED=false', () => {
    expect(readConfig({}).teams).toMatchObject({ appId: undefined, appType: 'SingleTenant' });
    expect(readConfig({ TEAMS_ENABLED: 'false' }).teams).toBeUndefined();
    expect(() => readConfig({ TEAMS_ENABLED: 'maybe' })).toThrow(/TEAMS_ENABLED must be true or false/);
  });

  it('reads a single-tenant bot and a managed identity', () => {
    expect(readConfig({ MicrosoftAppId: APP, MicrosoftAppPassword: 'pw', MicrosoftAppTenantId: TENANT }).teams).toMatchObject({ appId: APP, appPassword: 'pw', appType: 'SingleTenant', tenantId: TENANT });
    expect(readConfig({ MicrosoftAppId: APP, MicrosoftAppType: 'userassignedmsi', MicrosoftAppTenantId: TENANT }).teams).toMatchObject({ appType: 'UserAssignedMSI', appPassword: undefined });
  });

  it('refuses to run unauthenticated in production, and names each malformed Teams variable without echoing the secret', () => {
    expect(() => readConfig({ NODE_ENV: 'production' })).toThrow(/MicrosoftAppId is missing: in production/);
    expect(readConfig({ NODE_ENV: 'production', TEAMS_ENABLED: 'false' }).teams).toBeUndefined();
    let problems: string[] = [];
    try {
      readConfig({ MicrosoftAppId: 'my-bot', MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppPassword: 'hunter2-secret', SUPERVISOR_TEAMS_USERS: 'bob' });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems.join('\n')).toMatch(/MicrosoftAppId must be the Azure Bot's app id/);
    expect(problems.join('\n')).toMatch(/MicrosoftAppTenantId must be your Entra tenant id/);
    expect(problems.join('\n')).toMatch(/MicrosoftAppPassword must not be set when MicrosoftAppType is UserAssignedMSI/);
    expect(problems.join('\n')).toMatch(/SUPERVISOR_TEAMS_USERS must be/);
    expect(problems.join('\n')).not.toContain('hunter2-secret');
    expect(() => readConfig({ MicrosoftAppId: APP, MicrosoftAppTenantId: TENANT })).toThrow(/MicrosoftAppPassword is missing/);
    expect(() => readConfig({ MicrosoftAppType: 'Global' })).toThrow(/MicrosoftAppType must be one of/);
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
    // Redacted even at debug.
    debug.debugText('customer message', 'card 4111 1111 1111 1111, mail jo@example.com');
    expect(lines.at(-1)).toContain('[card]');
    expect(lines.at(-1)).not.toContain('4111');
    expect(lines.at(-1)).not.toContain('example.com');
  });

  it('writes JSON lines with the level by name and the request id of the turn being handled', async () => {
    const { requestContext } = await import('../src/log.ts');
    const lines: string[] = [];
    const log = createLogger('info', (l) => lines.push(l));
    requestContext.run({ requestId: 'req-123' }, () => log.info('coached', { caseId: 'c1' }));
    log.info('outside');
    const [inside, outside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inside).toMatchObject({ level: 'info', msg: 'coached', caseId: 'c1', requestId: 'req-123', service: 'defuse' });
    expect(outside!.requestId).toBeUndefined();
    expect(typeof inside!.time).toBe('string');
  });
});

describe('.env.example', () => {
  it('is a valid configuration as written, and names every variable the README documents', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('dotenv');
    const example = parse(readFileSync(new URL('../.env.example', import.meta.url), 'utf8'));
    expect(() => readConfig(example)).not.toThrow();
    const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    for (const name of ['PORT', 'DATA_DIR', 'DATABASE_URL', 'RETENTION_DAYS', 'LOG_LEVEL', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_ESCALATION_CHANNEL', 'SUPERVISOR_SLACK_USERS', 'TEAMS_ENABLED', 'MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppType', 'MicrosoftAppTenantId', 'SUPERVISOR_TEAMS_USERS', 'DEFUSE_API_KEYS', 'RATE_LIMIT_USER_PER_MINUTE', 'RATE_LIMIT_WORKSPACE_PER_MINUTE', 'SHUTDOWN_GRACE_MS', 'CONSOLE_TOKEN', 'CONSOLE_SUPERVISOR_TOKEN', 'CONSOLE_AUTH_HEADER', 'CONSOLE_SUPERVISOR_USERS', 'HOST', 'ANALYSIS_THREAD']) {
      expect(text, name).toContain(name);
    }
  });
});

describe('LLM configuration', () => {
  const base = { TEAMS_ENABLED: 'false' };
  it('is off without a key or a server', () => {
    expect(readConfig(base).llm).toBeUndefined();
  });
  it('turns assist on with a key, with the default model and deadline', () => {
    expect(readConfig({ ...base, OPENAI_API_KEY: 'sk-test-123' }).llm).toEqual({
      provider: 'openai',
      apiKey: 'sk-test-123',
      baseUrl: undefined,
      model: 'gpt-4.1-mini',
      apiVersion: undefined,
      timeoutMs: 6000,
    });
  });
  it('accepts a compatible server that needs no key, and LLM_MODE=off wins', () => {
    expect(readConfig({ ...base, OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1', OPENAI_MODEL: 'llama3.1' }).llm).toMatchObject({ apiKey: 'not-needed', model: 'llama3.1' });
    expect(readConfig({ ...base, OPENAI_API_KEY: 'sk-test-123', LLM_MODE: 'off' }).llm).toBeUndefined();
  });
  it('uses Azure OpenAI when AZURE_OPENAI_ENDPOINT is set', () => {
    expect(
      readConfig({ ...base, AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com', AZURE_OPENAI_API_KEY: 'az-secret', AZURE_OPENAI_DEPLOYMENT: 'coach' }).llm,
    ).toMatchObject({ provider: 'azure', model: 'coach', apiVersion: '2024-10-21' });
  });
  it('reports every problem with the variable to fix, and never the key', () => {
    let message = '';
    try {
      readConfig({ ...base, AZURE_OPENAI_ENDPOINT: 'not a url', OPENAI_API_KEY: 'sk-very-secret', LLM_TIMEOUT_MS: '50', LLM_MODE: 'assist' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('LLM_TIMEOUT_MS');
    expect(message).toContain('AZURE_OPENAI_ENDPOINT');
    expect(message).toContain('AZURE_OPENAI_DEPLOYMENT');
    expect(message).not.toContain('sk-very-secret');
    expect(() => readConfig({ ...base, LLM_MODE: 'always' })).toThrow(/LLM_MODE must be off or assist/);
    expect(() => readConfig({ ...base, LLM_MODE: 'assist' })).toThrow(/OPENAI_API_KEY is missing/);
  });
});

/**
 * Configuration: read once at start from the environment (and a .env file, by main.ts),
 * validated as a whole. Every problem is reported together, each with the variable to fix.
 */
import { availableParallelism } from 'node:os';
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
  /** The HTTP service's port (Slack's request URL, the health check). */
  port: number;
  /** The address to listen on; unset means every interface. */
  host: string | undefined;
  /** Slack is on when its bot token and signing secret are both set. */
  slack: SlackConfig | undefined;
  /** Teams (POST /api/messages) is on unless TEAMS_ENABLED=false. */
  teams: TeamsConfig | undefined;
  /** The LLM mode (assist); undefined means offline only. */
  llm: LlmConfig | undefined;
  /** Coaching turns and drill replies per minute, per user and per workspace (0: no limit). */
  rateLimits: { userPerMinute: number; workspacePerMinute: number };
  /** REST API keys by name; empty means the API answers on loopback only. */
  apiKeys: ApiKey[];
  /** On SIGTERM, how long turns in flight may take to finish before the store closes. */
  shutdownGraceMs: number;
  /** Read cases on a thread beside the event loop (ANALYSIS_THREAD; on by default with two or more cores). */
  analysisThread: boolean;
  /**
   * Who may open the browser console from elsewhere than this machine (unset: loopback only):
   * tokens, or the user a signing-in reverse proxy names in a header.
   */
  console: { token: string | undefined; supervisorToken: string | undefined; authHeader?: string; supervisorUsers?: string[] };
}

export interface ApiKey {
  /** Shown in logs and used for rate limits: never the secret. */
  name: string;
  secret: string;
}

export interface LlmConfig {
  /** OpenAI or an OpenAI-compatible server (vLLM, Ollama), or Azure OpenAI. */
  provider: 'openai' | 'azure';
  apiKey: string;
  /** OPENAI_BASE_URL for compatible servers; the Azure endpoint for Azure. */
  baseUrl: string | undefined;
  /** The model name (for Azure: the deployment name). */
  model: string;
  /** Azure only: the API version (OPENAI_API_VERSION). */
  apiVersion: string | undefined;
  /** The whole model call, retries included, ends within this; then the offline advice stands. */
  timeoutMs: number;
}

/** Used when OPENAI_MODEL is unset: small, fast and able to follow a JSON schema. */
export const DEFAULT_LLM_MODEL = 'gpt-4.1-mini';
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

export const TEAMS_APP_TYPES = ['SingleTenant', 'MultiTenant', 'UserAssignedMSI'] as const;
export type TeamsAppType = (typeof TEAMS_APP_TYPES)[number];

export interface TeamsConfig {
  /** The Azure Bot's app id; unset means unauthenticated, for the Bot Framework Emulator only. */
  appId: string | undefined;
  appPassword: string | undefined;
  appType: TeamsAppType;
  tenantId: string | undefined;
  /** Users (Entra object ids or Teams 29: ids) who may act as supervisors besides the registered channel's members. */
  supervisors: string[];
}

export interface SlackConfig {
  botToken: string;
  /** Required for HTTP (request URL) mode; Socket Mode does not sign requests. */
  signingSecret: string | undefined;
  /** An app-level token (xapp-…): Socket Mode instead of a public request URL. */
  appToken: string | undefined;
  /** Web API base URL, ending in /api/ (a proxy, or a local Slack API double in tests). */
  apiUrl: string | undefined;
  /** Where supervisor pings go when no channel was set with /defuse supervise. */
  escalationChannel: string | undefined;
  /** Users who may act as supervisors besides the escalation channel's members. */
  supervisors: string[];
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
  const portRaw = value(env, 'PORT');
  const port = portRaw === undefined ? 3978 : Number(portRaw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be a port number from 0 to 65535 (got "${portRaw}")`);
  const host = value(env, 'HOST');
  // An IP address or a host name, nothing that could be a URL or carry a port.
  if (host !== undefined && !/^(?:[0-9.]+|[0-9a-f:]+|[a-z0-9.-]+)$/i.test(host)) problems.push(`HOST must be an address to listen on, such as 127.0.0.1 or :: (got "${host}")`);
  const slack = readSlack(env, problems);
  const teams = readTeams(env, problems);
  const llm = readLlm(env, problems);
  const whole = (name: string, fallback: number, min: number, max: number, what: string): number => {
    const raw = value(env, name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`${name} must be ${what} from ${min} to ${max} (got "${raw}")`);
    return n;
  };
  // 20 a minute is one pasted message every three seconds, kept up: more than a person on a
  // live case sends, and little enough that a looping script is stopped within a minute.
  const userPerMinute = whole('RATE_LIMIT_USER_PER_MINUTE', 20, 0, 100_000, 'a whole number of turns per minute (0 for no limit)');
  const workspacePerMinute = whole('RATE_LIMIT_WORKSPACE_PER_MINUTE', 1200, 0, 10_000_000, 'a whole number of turns per minute (0 for no limit)');
  // Under the 10 s that Docker and Kubernetes wait after SIGTERM before they kill: the store
  // must be closed before that.
  const shutdownGraceMs = whole('SHUTDOWN_GRACE_MS', 8_000, 0, 120_000, 'a whole number of milliseconds');
  const threadRaw = (value(env, 'ANALYSIS_THREAD') ?? 'auto').toLowerCase();
  if (!['auto', 'on', 'off'].includes(threadRaw)) problems.push(`ANALYSIS_THREAD must be auto, on or off (got "${threadRaw}")`);
  // On one core the thread only takes turns with the event loop and adds the hand-over.
  const analysisThread = threadRaw === 'on' || (threadRaw === 'auto' && availableParallelism() > 1);
  const apiKeys = readApiKeys(env, problems);
  const consoleToken = value(env, 'CONSOLE_TOKEN');
  const supervisorToken = value(env, 'CONSOLE_SUPERVISOR_TOKEN');
  // Never echoed: only which one is too short.
  for (const [name, v] of [['CONSOLE_TOKEN', consoleToken], ['CONSOLE_SUPERVISOR_TOKEN', supervisorToken]] as const) {
    if (v !== undefined && v.length < 24) problems.push(`${name} must be at least 24 characters (for example from: openssl rand -hex 24)`);
  }
  if (consoleToken !== undefined && consoleToken === supervisorToken) problems.push('CONSOLE_SUPERVISOR_TOKEN must differ from CONSOLE_TOKEN: agents would get the supervisor view');
  const authHeader = value(env, 'CONSOLE_AUTH_HEADER')?.toLowerCase();
  if (authHeader !== undefined && !/^x-[a-z0-9-]{1,60}$/.test(authHeader)) problems.push(`CONSOLE_AUTH_HEADER must be the name of the header your signing-in proxy sets, starting with X- (such as X-Forwarded-Email; got "${authHeader}")`);
  const supervisorUsers = (value(env, 'CONSOLE_SUPERVISOR_USERS') ?? '').split(',').map((u) => u.trim().toLowerCase()).filter((u) => u !== '');
  if (supervisorUsers.length > 0 && authHeader === undefined) problems.push('CONSOLE_SUPERVISOR_USERS needs CONSOLE_AUTH_HEADER: the header that names the signed-in user');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    dataDir: value(env, 'DATA_DIR') ?? './data',
    databaseUrl,
    retentionDays,
    logLevel: logLevel as LogLevel,
    port,
    host,
    slack,
    teams,
    llm,
    rateLimits: { userPerMinute, workspacePerMinute },
    apiKeys,
    shutdownGraceMs,
    analysisThread,
    console: { token: consoleToken, supervisorToken, ...(authHeader ? { authHeader, supervisorUsers } : {}) },
  };
}

/** "name:secret" pairs separated by commas; the name says who calls (it appears in logs). */
function readApiKeys(env: Env, problems: string[]): ApiKey[] {
  const raw = value(env, 'DEFUSE_API_KEYS');
  if (raw === undefined) return [];
  const keys: ApiKey[] = [];
  raw.split(',').map((p) => p.trim()).filter((p) => p !== '').forEach((pair, i) => {
    const at = pair.indexOf(':');
    const name = at > 0 ? pair.slice(0, at).trim() : '';
    const secret = at > 0 ? pair.slice(at + 1).trim() : '';
    // The secret is never echoed, only which entry is wrong.
    if (!/^[a-z0-9][a-z0-9_.-]{0,39}$/i.test(name)) problems.push(`DEFUSE_API_KEYS entry ${i + 1} must look like name:secret, with a name of letters, digits, ".", "_" or "-" (such as helpdesk-sidebar:3f9c…)`);
    else if (secret.length < 24) problems.push(`DEFUSE_API_KEYS entry "${name}" needs a secret of at least 24 characters (for example from: openssl rand -hex 24)`);
    else if (keys.some((k) => k.name === name)) problems.push(`DEFUSE_API_KEYS names "${name}" twice`);
    else keys.push({ name, secret });
  });
  return keys;
}

function readSlack(env: Env, problems: string[]): SlackConfig | undefined {
  const botToken = value(env, 'SLACK_BOT_TOKEN');
  const signingSecret = value(env, 'SLACK_SIGNING_SECRET');
  const appToken = value(env, 'SLACK_APP_TOKEN');
  if (botToken === undefined && signingSecret === undefined && appToken === undefined) return undefined;
  // Token values are never echoed: only their shape is described.
  if (botToken === undefined) problems.push('SLACK_BOT_TOKEN is missing: the bot token from "OAuth & Permissions", starting with xoxb-');
  else if (!botToken.startsWith('xoxb-')) problems.push('SLACK_BOT_TOKEN must be a bot token starting with xoxb- (from "OAuth & Permissions")');
  if (appToken !== undefined && !appToken.startsWith('xapp-')) {
    problems.push('SLACK_APP_TOKEN must be an app-level token starting with xapp- (from "Basic Information" → "App-Level Tokens", with connections:write)');
  }
  // Socket Mode needs no signing secret; the request URL mode cannot work without one.
  if (signingSecret === undefined && appToken === undefined) {
    problems.push('SLACK_SIGNING_SECRET is missing: the signing secret from "Basic Information" (or set SLACK_APP_TOKEN for Socket Mode)');
  } else if (signingSecret !== undefined && !/^[0-9a-f]{32}$/i.test(signingSecret)) {
    problems.push('SLACK_SIGNING_SECRET must be the 32-character hexadecimal signing secret from "Basic Information"');
  }
  const apiUrl = value(env, 'SLACK_API_URL');
  if (apiUrl !== undefined && !/^https?:\/\/[^/]+(\/.*)?\/api\/$/.test(apiUrl)) {
    problems.push(`SLACK_API_URL must be a Web API base URL ending in /api/, like https://slack.com/api/ (got "${apiUrl}")`);
  }
  const escalationChannel = value(env, 'SLACK_ESCALATION_CHANNEL');
  if (escalationChannel !== undefined && !/^[CG][A-Z0-9]{6,}$/.test(escalationChannel)) {
    problems.push(`SLACK_ESCALATION_CHANNEL must be a channel id such as C0123456789 (got "${escalationChannel}")`);
  }
  const supervisors = (value(env, 'SUPERVISOR_SLACK_USERS') ?? '').split(',').map((u) => u.trim()).filter((u) => u !== '');
  const badUser = supervisors.find((u) => !/^[UW][A-Z0-9]{6,}$/.test(u));
  if (badUser !== undefined) problems.push(`SUPERVISOR_SLACK_USERS must be a comma-separated list of user ids such as U0123456789 (got "${badUser}")`);
  if (botToken === undefined || (signingSecret === undefined && appToken === undefined)) return undefined;
  return { botToken, signingSecret, appToken, apiUrl, escalationChannel, supervisors };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readTeams(env: Env, problems: string[]): TeamsConfig | undefined {
  const enabled = (value(env, 'TEAMS_ENABLED') ?? 'true').toLowerCase();
  if (!['true', 'false', '1', '0', 'yes', 'no'].includes(enabled)) problems.push(`TEAMS_ENABLED must be true or false (got "${enabled}")`);
  if (['false', '0', 'no'].includes(enabled)) return undefined;
  const appId = value(env, 'MicrosoftAppId');
  const appPassword = value(env, 'MicrosoftAppPassword');
  const tenantId = value(env, 'MicrosoftAppTenantId');
  const typeRaw = value(env, 'MicrosoftAppType') ?? 'SingleTenant';
  const appType = TEAMS_APP_TYPES.find((t) => t.toLowerCase() === typeRaw.toLowerCase());
  if (appType === undefined) problems.push(`MicrosoftAppType must be one of ${TEAMS_APP_TYPES.join(', ')} (got "${typeRaw}")`);
  const supervisors = (value(env, 'SUPERVISOR_TEAMS_USERS') ?? '').split(',').map((u) => u.trim()).filter((u) => u !== '');
  const badUser = supervisors.find((u) => !GUID.test(u) && !/^29:[\w-]+$/.test(u));
  if (badUser !== undefined) problems.push(`SUPERVISOR_TEAMS_USERS must be a comma-separated list of Entra object ids (GUIDs) or Teams user ids starting with 29: (got "${badUser}")`);
  if (appId === undefined) {
    if (value(env, 'NODE_ENV') === 'production') {
      problems.push('MicrosoftAppId is missing: in production (NODE_ENV=production) the Teams endpoint will not run unauthenticated. Set MicrosoftAppId (the Azure Bot\'s app id) with its MicrosoftAppPassword and MicrosoftAppTenantId, or TEAMS_ENABLED=false');
    }
    if (appPassword !== undefined || tenantId !== undefined) problems.push('MicrosoftAppId is missing while MicrosoftAppPassword or MicrosoftAppTenantId is set: set the Azure Bot\'s app id too');
    return { appId, appPassword: undefined, appType: appType ?? 'SingleTenant', tenantId: undefined, supervisors };
  }
  if (!GUID.test(appId)) problems.push('MicrosoftAppId must be the Azure Bot\'s app id, a GUID like 00000000-0000-0000-0000-000000000000');
  // Secrets are never echoed: only which one is missing or misplaced.
  if ((appType === 'SingleTenant' || appType === 'UserAssignedMSI') && (tenantId === undefined || !GUID.test(tenantId))) {
    problems.push(`MicrosoftAppTenantId must be your Entra tenant id (a GUID) when MicrosoftAppType is ${appType}`);
  }
  if (appType === 'UserAssignedMSI' && appPassword !== undefined) problems.push('MicrosoftAppPassword must not be set when MicrosoftAppType is UserAssignedMSI (the managed identity signs in)');
  if (appType !== 'UserAssignedMSI' && appPassword === undefined) problems.push(`MicrosoftAppPassword is missing: the client secret of the bot's app registration (MicrosoftAppType ${appType ?? typeRaw})`);
  return { appId, appPassword, appType: appType ?? 'SingleTenant', tenantId, supervisors };
}

function readLlm(env: Env, problems: string[]): LlmConfig | undefined {
  const key = value(env, 'OPENAI_API_KEY');
  const baseUrl = value(env, 'OPENAI_BASE_URL');
  const azureEndpoint = value(env, 'AZURE_OPENAI_ENDPOINT');
  const azureKey = value(env, 'AZURE_OPENAI_API_KEY') ?? key;
  const configured = key !== undefined || baseUrl !== undefined || azureEndpoint !== undefined;
  const modeRaw = (value(env, 'LLM_MODE') ?? (configured ? 'assist' : 'off')).toLowerCase();
  if (modeRaw !== 'off' && modeRaw !== 'assist') problems.push(`LLM_MODE must be off or assist (got "${modeRaw}")`);
  const timeoutRaw = value(env, 'LLM_TIMEOUT_MS');
  const timeoutMs = timeoutRaw === undefined ? 6000 : Number(timeoutRaw);
  // Under half a second no model answers; over a minute the agent has long moved on.
  if (!Number.isInteger(timeoutMs) || timeoutMs < 500 || timeoutMs > 60_000) problems.push(`LLM_TIMEOUT_MS must be a whole number of milliseconds from 500 to 60000 (got "${timeoutRaw}")`);
  if (modeRaw !== 'assist') return undefined;
  const url = (name: string, v: string | undefined) => {
    if (v === undefined) return;
    try {
      if (!['http:', 'https:'].includes(new URL(v).protocol)) throw new Error();
    } catch {
      problems.push(`${name} must be an http(s) URL such as ${name === 'AZURE_OPENAI_ENDPOINT' ? 'https://my-resource.openai.azure.com' : 'http://127.0.0.1:8000/v1'} (got "${v}")`);
    }
  };
  url('OPENAI_BASE_URL', baseUrl);
  url('AZURE_OPENAI_ENDPOINT', azureEndpoint);
  const model = value(env, 'OPENAI_MODEL') ?? value(env, 'AZURE_OPENAI_DEPLOYMENT');
  if (azureEndpoint !== undefined) {
    if (azureKey === undefined) problems.push('AZURE_OPENAI_API_KEY is missing: the key of your Azure OpenAI resource (or OPENAI_API_KEY)');
    if (model === undefined) problems.push('AZURE_OPENAI_DEPLOYMENT is missing: the name of your model deployment in Azure OpenAI (or OPENAI_MODEL)');
    return { provider: 'azure', apiKey: azureKey ?? '', baseUrl: azureEndpoint, model: model ?? '', apiVersion: value(env, 'OPENAI_API_VERSION') ?? DEFAULT_AZURE_API_VERSION, timeoutMs };
  }
  // A compatible server without authentication (vLLM, Ollama) still needs some key for the SDK.
  if (key === undefined && baseUrl === undefined) problems.push('OPENAI_API_KEY is missing: LLM_MODE=assist needs a key (or OPENAI_BASE_URL for a compatible server that needs none)');
  return { provider: 'openai', apiKey: key ?? 'not-needed', baseUrl, model: model ?? DEFAULT_LLM_MODEL, apiVersion: undefined, timeoutMs };
}

/**
 * The service process of `npm run load` (bench/load.ts starts it with startTarget, as the
 * other benches start theirs): the real service, startService as src/main.ts runs it, on
 * SQLite in DATA_DIR, with Slack against the local Slack double and Teams on, unauthenticated
 * (the activities' serviceUrl is the local connector double). Only the variables below are
 * read: a DATABASE_URL or OPENAI_API_KEY in the caller's shell cannot switch the store to
 * PostgreSQL or turn the LLM mode on. Writes its pid to LOAD_PID_FILE (the load generator
 * samples /proc/<pid>) and prints "listening <port>".
 */
import { writeFileSync } from 'node:fs';
import { readConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { startService } from '../src/main.ts';

const env = process.env;
if (process.argv[2] !== 'defuse') throw new Error('load-target: the only target is "defuse"');
const config = readConfig({
  PORT: '0',
  DATA_DIR: env.DATA_DIR,
  SLACK_BOT_TOKEN: 'xoxb-load',
  SLACK_SIGNING_SECRET: env.LOAD_SLACK_SECRET,
  SLACK_API_URL: env.SLACK_API_URL,
  SLACK_ESCALATION_CHANNEL: env.SLACK_ESCALATION_CHANNEL,
  TEAMS_ENABLED: 'true',
  // Usage limits: off unless the load generator sets them (--user-limit, --workspace-limit).
  RATE_LIMIT_USER_PER_MINUTE: env.RATE_LIMIT_USER_PER_MINUTE ?? '0',
  RATE_LIMIT_WORKSPACE_PER_MINUTE: env.RATE_LIMIT_WORKSPACE_PER_MINUTE ?? '0',
  LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
});
const service = await startService(config, createLogger(config.logLevel));
if (env.LOAD_PID_FILE) writeFileSync(env.LOAD_PID_FILE, String(process.pid));
process.stdout.write(`listening ${service.port}\n`);
process.on('SIGTERM', () => void service.stop().then(() => process.exit(0)));

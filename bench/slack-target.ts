/**
 * A benchmark target process (bench/slack-e2e.ts starts it): `bare` is a Bolt app that answers
 * every mention with a fixed text; `defuse` is the real service. Prints "listening <port>".
 */
import { createServer } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { readConfig } from '../src/config.ts';
import { analysisThread } from './target-process.ts';
import { createLogger } from '../src/log.ts';
import { startService } from '../src/main.ts';

const kind = process.argv[2];
const secret = process.env.BENCH_SECRET!;
const slackUrl = process.env.SLACK_API_URL!;

if (kind === 'bare') {
  const receiver = new HTTPReceiver({ signingSecret: secret, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
  // The same Bolt options as Defuse's app (no conversation store), so the difference is Defuse's own work.
  const app = new App({ token: 'xoxb-bench', receiver, logLevel: LogLevel.ERROR, convoStore: false, clientOptions: { slackApiUrl: slackUrl } });
  app.event('app_mention', async ({ event, client }) => {
    await client.chat.postMessage({ channel: event.channel, thread_ts: event.ts, text: 'Thanks, noted.' });
  });
  const server = createServer((req, res) => receiver.requestListener(req, res));
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    process.stdout.write(`listening ${typeof a === 'object' && a ? a.port : 0}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
} else {
  const config = readConfig({
    PORT: '0',
    DATA_DIR: process.env.DATA_DIR!,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: slackUrl,
    LOG_LEVEL: 'error',
    // The bench sends far more from one user than any usage limit allows.
    RATE_LIMIT_USER_PER_MINUTE: '0',
    RATE_LIMIT_WORKSPACE_PER_MINUTE: '0',
    ...analysisThread(),
  });
  const service = await startService(config, createLogger('error'));
  process.stdout.write(`listening ${service.port}\n`);
  process.on('SIGTERM', () => void service.stop().then(() => process.exit(0)));
}

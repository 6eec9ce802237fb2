/**
 * A Teams benchmark target (bench/teams-e2e.ts starts it): `bare` is a CloudAdapter echo bot
 * (unauthenticated, as the Emulator runs it) answering every message with a fixed text;
 * `defuse` is the real service with Teams on. Prints "listening <port>".
 */
import { createServer } from 'node:http';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { readConfig } from '../src/config.ts';
import { analysisThread } from './target-process.ts';
import { createLogger } from '../src/log.ts';
import { startService } from '../src/main.ts';

const kind = process.argv[2];

if (kind === 'bare') {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      // The Express-shaped request and response CloudAdapter.process expects.
      const request = { body: JSON.parse(raw) as Record<string, unknown>, headers: req.headers as Record<string, string>, method: req.method };
      let status = 200;
      let body: unknown;
      const response = {
        socket: req.socket,
        status: (code: number) => void (status = code),
        header: (name: string, value: unknown) => void res.setHeader(name, String(value)),
        send: (b: unknown) => void (body = b),
        end: () => {
          res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
          res.end(body === undefined ? undefined : JSON.stringify(body));
        },
      };
      void adapter.process(request, response, async (ctx) => {
        if (ctx.activity.type === 'message') await ctx.sendActivity('Thanks, noted.');
      });
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    process.stdout.write(`listening ${typeof a === 'object' && a ? a.port : 0}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
} else {
  const config = readConfig({ PORT: '0', DATA_DIR: process.env.DATA_DIR!, LOG_LEVEL: 'error', RATE_LIMIT_USER_PER_MINUTE: '0', RATE_LIMIT_WORKSPACE_PER_MINUTE: '0', ...analysisThread() });
  const service = await startService(config, createLogger('error'));
  process.stdout.write(`listening ${service.port}\n`);
  process.on('SIGTERM', () => void service.stop().then(() => process.exit(0)));
}

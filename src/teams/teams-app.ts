/**
 * Teams on the service: the real CloudAdapter with ConfigurationBotFrameworkAuthentication,
 * mounted at POST /api/messages. The JSON body is parsed here, for this route only: Slack's
 * signature check needs its own raw body, so there is no global body parser.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from 'botbuilder';
import type { TeamsConfig } from '../config.ts';
import type { Store } from '../core/ports/store.ts';
import type { Engine } from '../engine.ts';
import { MAX_BODY_BYTES, send, type Route } from '../http/server.ts';
import { readBody } from '../http/body.ts';
import type { Logger } from '../log.ts';
import { APOLOGY } from '../core/channel/present.ts';
import { DefuseTeamsBot, errorCode } from './teams-bot.ts';
import type { Turns } from '../http/turns.ts';
import { cacheConnectorClients } from './connector-cache.ts';
import { isObject } from '../core/guards.ts';

export const TEAMS_MESSAGES_PATH = '/api/messages';

/**
 * The CloudAdapter, with its activity processing reachable directly: `process()` would parse
 * an Express-style request and print every rejected request's stack to the console; Defuse
 * parses the body itself and logs a 401 as one line.
 */
export class DefuseCloudAdapter extends CloudAdapter {
  handleActivity(authHeader: string, activity: Activity, logic: (ctx: TurnContext) => Promise<void>) {
    return this.processActivity(authHeader, activity, logic);
  }
}

const isId = (v: unknown) => typeof v === 'string' && v !== '';

/**
 * What is wrong with an activity, by the least the adapter needs to answer it, or undefined.
 * A plain check rather than a zod schema: this runs on every activity, and the schema's parse
 * cost the event loop about 40 µs per message (npm run bench profile), for a handful of fields.
 */
export function activityProblem(a: unknown): string | undefined {
  if (!isObject(a)) return 'body must be an object';
  if (!isId(a.type)) return 'type must be a non-empty string';
  if (a.id !== undefined && typeof a.id !== 'string') return 'id must be a string';
  const url = typeof a.serviceUrl === 'string' ? URL.parse(a.serviceUrl) : null;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return 'serviceUrl must be an http(s) URL';
  if (!isId(a.channelId)) return 'channelId must be a non-empty string';
  if (!isObject(a.conversation) || !isId(a.conversation.id)) return 'conversation.id must be a non-empty string';
  if (a.from !== undefined && (!isObject(a.from) || !isId(a.from.id))) return 'from.id must be a non-empty string';
  if (a.recipient !== undefined && (!isObject(a.recipient) || typeof a.recipient.id !== 'string')) return 'recipient.id must be a string';
  if (a.text !== undefined && typeof a.text !== 'string') return 'text must be a string';
  return undefined;
}

export function createTeams(deps: { config: TeamsConfig; engine: Engine; store: Store; log: Logger; now: () => Date; turns?: Turns }): { route: Route; adapter: DefuseCloudAdapter; bot: DefuseTeamsBot } {
  const { config, log } = deps;
  const auth = new ConfigurationBotFrameworkAuthentication({
    ...(config.appId ? { MicrosoftAppId: config.appId } : {}),
    ...(config.appPassword ? { MicrosoftAppPassword: config.appPassword } : {}),
    ...(config.tenantId ? { MicrosoftAppTenantId: config.tenantId } : {}),
    ...(config.appId ? { MicrosoftAppType: config.appType } : {}),
  });
  cacheConnectorClients(auth);
  const adapter = new DefuseCloudAdapter(auth);
  adapter.onTurnError = async (ctx, err) => {
    log.error('teams turn error', { channel: 'teams', code: errorCode(err) });
    if (ctx.activity.type === 'message') await ctx.sendActivity(APOLOGY).catch(() => undefined);
  };
  const bot = new DefuseTeamsBot({ ...deps, adapter });

  const run = <T>(fn: () => Promise<T>) => (deps.turns ? deps.turns.run('teams', fn) : fn());
  const route: Route = {
    name: 'teams',
    path: TEAMS_MESSAGES_PATH,
    async handle(req: IncomingMessage, res: ServerResponse) {
      if (req.method !== 'POST') return send(res, 405, { error: 'method_not_allowed', message: 'POST Bot Framework activities here.' });
      const body = await readBody(req, MAX_BODY_BYTES);
      if (!body.ok && body.error === 'too_large') return send(res, 413, { error: 'too_large', message: `An activity must be under ${MAX_BODY_BYTES} bytes.` });
      if (!body.ok) return send(res, 400, { error: 'invalid_utf8', message: 'The body is not valid UTF-8.' });
      let json: unknown;
      try {
        json = JSON.parse(body.text);
      } catch {
        return send(res, 400, { error: 'invalid_json', message: 'The body is not JSON.' });
      }
      const problem = activityProblem(json);
      if (problem) return send(res, 400, { error: 'invalid_activity', message: `Not a Bot Framework activity: ${problem}.` });
      const header = req.headers.authorization ?? '';
      try {
        const invoke = await run(() => adapter.handleActivity(header, json as Activity, (ctx) => bot.run(ctx)));
        return send(res, invoke?.status ?? 200, invoke?.body);
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status === 401 || status === 403 || (err as Error).name === 'AuthenticationError') {
          log.warn('teams request refused', { code: 'unauthorized' });
          return send(res, 401, { error: 'unauthorized' });
        }
        log.error('teams request failed', { code: errorCode(err) });
        return send(res, 500, { error: 'internal' });
      }
    },
  };
  return { route, adapter, bot };
}

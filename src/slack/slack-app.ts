/**
 * The Slack side of Defuse: a real Bolt app on an HTTPReceiver, mounted by the service at
 * POST /slack/events. Listeners turn Slack payloads into coach requests and the Advice back
 * into Block Kit; everything else (reading, storing, escalating) is the Coach's.
 */
import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SlackConfig } from '../config.ts';
import type { Advice } from '../core/advice.ts';
import { DefuseError } from '../core/errors.ts';
import { parseCommand } from '../core/channel/commands.ts';
import { handleOnce } from '../core/inbound.ts';
import type { Turns } from '../http/turns.ts';
import type { IncomingMessage } from 'node:http';
import { readRawBody } from '../http/body.ts';
import { MAX_BODY_BYTES, send, type Route } from '../http/server.ts';
import { checkSlackSignature } from './signature.ts';
import type { Store } from '../core/ports/store.ts';
import type { Engine } from '../engine.ts';
import { requestContext, type Logger } from '../log.ts';
import { randomUUID } from 'node:crypto';
import { adviceSummary, APOLOGY } from '../core/channel/present.ts';
import { ACTIONS, adviceBlocks, adviceMetadata, compactAdviceBlocks, HELP_TEXT, homeView, pingBlocks, preEncoded, reviewBlocks, wordingBlocks } from './blocks.ts';
import { caseThreadLink, SupervisorPings, type CaseAddress } from './supervisor-pings.ts';
import { slackDrillId, slackDrills } from './slack-drills.ts';

export interface SlackDeps {
  config: SlackConfig;
  engine: Engine;
  store: Store;
  log: Logger;
  now: () => Date;
  /** Counts and times each event's work, and lets a shutdown wait for it. */
  turns?: Turns;
}

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The service's route for Slack's request URL: the body read once (the server has bounded
 * it), its signature checked, then the real Bolt receiver handles it with the body it was given.
 */
export function slackRoute(receiver: HTTPReceiver, signingSecret: string, log: Logger): Route {
  return {
    name: 'slack',
    path: SLACK_EVENTS_PATH,
    async handle(req, res) {
      const raw = await readRawBody(req, MAX_BODY_BYTES);
      if (raw === undefined) return send(res, 413, { error: 'body_too_large' });
      const check = checkSlackSignature(signingSecret, req, raw, Math.floor(Date.now() / 1000));
      if (!check.ok) {
        log.warn('slack request refused', { code: `signature_${check.why}` });
        return send(res, 401, { error: 'unauthorized' });
      }
      // Bolt reads a request's body from `rawBody` when it is already there.
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = check.body;
      receiver.requestListener(req, res);
    },
  };
}
/** The callback id of the message shortcut, as in manifest/slack.yaml. */
export const SHORTCUT_COACH = 'defuse_coach_message';

/** One case per Slack thread. */
export function slackCaseId(team: string, channel: string, thread: string): string {
  return `slack:${team}:${channel}:${thread}`;
}

/** The bot's own mention is an address, not the customer's words. */
function withoutMentions(text: string): string {
  return text.replace(/<@[UW][A-Z0-9]+(\|[^>]*)?>/g, '').trim();
}

function errorCode(err: unknown): string {
  if (err instanceof DefuseError) return err.code;
  return (err as { data?: { error?: string }; code?: string }).data?.error ?? (err as { code?: string }).code ?? 'internal';
}

export type SlackReceiver = { kind: 'http'; receiver: HTTPReceiver } | { kind: 'socket'; receiver: SocketModeReceiver };

/**
 * Checks the bot token with Slack before the service takes events: a token Slack refuses, or
 * a Slack that cannot be reached, stops the start with a message naming the variable.
 */
export async function initSlackApp(app: App): Promise<void> {
  try {
    await app.init();
  } catch (err) {
    const { data, code } = err as { data?: { error?: string }; code?: string };
    // A refusal carries Slack's own reason ("invalid_auth"); a network failure only the client's code.
    const reason = data?.error ?? (code === 'slack_webapi_request_error' ? 'Slack could not be reached' : (code ?? 'unknown'));
    throw new DefuseError('config_invalid', `Slack did not confirm SLACK_BOT_TOKEN (${reason}): check the token, and SLACK_API_URL if set`);
  }
}

export function createSlackApp(deps: SlackDeps): { app: App; mode: SlackReceiver } {
  const { config, engine, store, log } = deps;
  const pings = new SupervisorPings(store, config, log, deps.now);
  const drills = slackDrills(engine, log);
  const clientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // A few retries (honouring Retry-After on rate limits), not Slack's default half hour.
    retryConfig: { retries: 3, factor: 1.5, minTimeout: 200, maxTimeout: 3000 },
  };
  const mode: SlackReceiver = config.appToken
    ? {
        kind: 'socket',
        // Socket Mode: Defuse opens a WebSocket to Slack (apps.connections.open); no public URL.
        receiver: new SocketModeReceiver({ appToken: config.appToken, logLevel: LogLevel.ERROR, installerOptions: { clientOptions } }),
      }
    : {
        kind: 'http',
        receiver: new HTTPReceiver({
          signingSecret: config.signingSecret!,
          endpoints: SLACK_EVENTS_PATH,
          logLevel: LogLevel.ERROR,
          // Acknowledge first, then work: Slack's 3-second limit is never at risk.
          processBeforeResponse: false,
          // slackRoute checks the signature before Bolt gets the request (signature.ts).
          signatureVerification: false,
        }),
      };
  const app = new App({
    token: config.botToken,
    receiver: mode.receiver,
    logLevel: LogLevel.ERROR,
    // Bolt's conversation store keeps per-channel state in memory; Defuse keeps its own in the
    // store, and the middleware costs time on every event.
    convoStore: false,
    clientOptions,
    // Bolt checks the token (auth.test) as soon as it is built and keeps the promise for the
    // first event; if Slack cannot be reached before one arrives, that promise rejects with
    // nobody listening. Deferred, the check runs in initSlackApp, where start awaits it.
    deferInitialization: true,
  });
  // Slack is acknowledged before the listeners run (processBeforeResponse: false), so the
  // HTTP request ends long before the turn does: this is where a turn's work is tracked.
  const turns = deps.turns;
  if (turns) app.use(({ next }) => turns.run('slack', next));
  // Over HTTP the server gave the request an id already; Socket Mode events arrive on a
  // WebSocket, so each gets one here (Slack's event id when it has one) for the log lines.
  app.use(({ body, next }) => {
    if (requestContext.getStore()) return next();
    const eventId = (body as { event_id?: unknown }).event_id;
    return requestContext.run({ requestId: typeof eventId === 'string' ? eventId : randomUUID() }, next);
  });

  /** Posts advice in a case thread, compact for an agent who muted Defuse, with its metadata. */
  async function postAdvice(client: WebClient, where: { channel: string; thread: string }, agent: string | undefined, caseId: string, advice: Advice, tailored?: Promise<Advice | undefined>): Promise<void> {
    const muted = agent ? (await store.preferences.get('slack', agent)).muted : false;
    const message = (a: Advice) => ({
      text: adviceSummary(a),
      blocks: preEncoded(muted ? compactAdviceBlocks(a, caseId) : adviceBlocks(a, caseId)),
      metadata: preEncoded(adviceMetadata(a, caseId)),
    });
    const posted = await client.chat.postMessage({ channel: where.channel, thread_ts: where.thread, ...message(advice) });
    // The model's tailored advice replaces the message in place when it arrives; the agent
    // already has the offline answer and never waits for it.
    if (tailored && posted.ts) {
      const ts = posted.ts;
      void tailored
        .then(async (t) => {
          if (t) await client.chat.update({ channel: where.channel, ts, ...message(t) });
        })
        .catch((err: unknown) => log.warn('tailored advice not shown', { channel: 'slack', caseId, code: errorCode(err) }));
    }
  }

  /** Coaches on a message and answers in its thread. */
  async function coachInThread(client: WebClient, team: string, channel: string, thread: string, user: string | undefined, text: string, opensCase: boolean): Promise<void> {
    const caseId = slackCaseId(team, channel, thread);
    try {
      const r = await engine.coach.coachCase({
        caseId,
        // A top-level message starts its own thread, so its case has nothing stored yet.
        opensCase,
        text: withoutMentions(text),
        channel: { channel: 'slack', address: { team, channel, thread, ...(user ? { agent: user } : {}) } },
      });
      await postAdvice(client, { channel, thread }, user, caseId, r.advice, r.tailored);
      log.info('coached', { channel: 'slack', caseId, emotion: r.advice.emotion, stage: r.advice.stage, step: r.advice.step, escalations: r.escalations.length });
      if (r.escalations.length > 0) {
        const problem = await pings.ping(client, caseId, { team, channel, thread, agent: user });
        if (problem) await client.chat.postMessage({ channel, thread_ts: thread, text: problem });
      }
    } catch (err) {
      const code = errorCode(err);
      log.error('coaching failed', { channel: 'slack', caseId, code });
      const message = err instanceof DefuseError ? err.userMessage : APOLOGY;
      await client.chat.postMessage({ channel, thread_ts: thread, text: message }).catch(() => undefined);
    }
  }

  /**
   * A Slack event handled once, even when Slack redelivers it or two replicas both get it.
   * If even the claim fails (the store is down), the agent still hears back in the thread.
   */
  async function once(body: { event_id?: string }, where: { client: WebClient; channel: string; thread: string }, fn: () => Promise<void>): Promise<void> {
    try {
      if (!body.event_id) return await fn();
      const r = await handleOnce(store.events, { source: 'slack', id: body.event_id }, deps.now(), fn);
      if (!r.handled) log.info('duplicate event ignored', { eventId: body.event_id });
    } catch (err) {
      log.error('event failed', { channel: 'slack', code: errorCode(err) });
      const text = err instanceof DefuseError ? err.userMessage : APOLOGY;
      await where.client.chat.postMessage({ channel: where.channel, thread_ts: where.thread, text }).catch(() => undefined);
    }
  }

  app.event('app_mention', async ({ event, body, client }) => {
    if ((event as { bot_id?: string }).bot_id || (event as { subtype?: string }).subtype) return;
    const team = (body as { team_id?: string }).team_id ?? event.team ?? 'unknown';
    const thread = event.thread_ts ?? event.ts;
    await once(body as { event_id?: string }, { client, channel: event.channel, thread }, async () => {
      if (event.thread_ts && (await drills.inThread(client, { team, channel: event.channel, thread, user: event.user, text: withoutMentions(event.text) }))) return;
      await coachInThread(client, team, event.channel, thread, event.user, event.text, event.thread_ts === undefined);
    });
  });

  // Direct messages: every message in the DM (top level opens a case, a thread reply continues
  // it, or answers a drill). In channels only @mentions are coached (app_mention above), so a
  // message is never coached twice; plain thread replies there count only in a drill's thread.
  app.message(async ({ message, body, client, context }) => {
    const m = message as { channel_type?: string; subtype?: string; bot_id?: string; text?: string; ts: string; thread_ts?: string; channel: string; user?: string };
    if (m.subtype !== undefined || m.bot_id !== undefined || !m.text) return;
    const team = (body as { team_id?: string }).team_id ?? 'unknown';
    const thread = m.thread_ts ?? m.ts;
    const text = m.text;
    if (m.channel_type === 'im') {
      await once(body as { event_id?: string }, { client, channel: m.channel, thread }, async () => {
        if (m.thread_ts && (await drills.inThread(client, { team, channel: m.channel, thread, user: m.user, text }))) return;
        await coachInThread(client, team, m.channel, thread, m.user, text, m.thread_ts === undefined);
      });
      return;
    }
    // A reply that @mentions the bot also arrives as app_mention, which handles it.
    const bot = (context as { botUserId?: string }).botUserId;
    if (!m.thread_ts || (bot ? text.includes(`<@${bot}>`) : /<@[UW][A-Z0-9]+/.test(text))) return;
    // Most channel threads are not drills: a read decides before the event is claimed (a write).
    if (!(await engine.drills.get(slackDrillId(team, m.channel, m.thread_ts)))) return;
    await once(body as { event_id?: string }, { client, channel: m.channel, thread }, async () => {
      await drills.inThread(client, { team, channel: m.channel, thread, user: m.user, text });
    });
  });

  app.command('/defuse', async ({ command, ack, respond, client }) => {
    await ack();
    const cmd = parseCommand(command.text);
    try {
      switch (cmd.kind) {
        case 'help':
          await respond({ response_type: 'ephemeral', text: HELP_TEXT });
          return;
        case 'review': {
          if (cmd.draft === '') {
            await respond({ response_type: 'ephemeral', text: 'Add your draft after `review`, like `/defuse review I understand, let me check that for you.`' });
            return;
          }
          const r = engine.coach.review(cmd.draft);
          await respond({ response_type: 'ephemeral', text: r.summary, blocks: reviewBlocks(r) });
          return;
        }
        case 'mute':
        case 'unmute':
          await store.preferences.setMuted('slack', command.user_id, cmd.kind === 'mute', deps.now().toISOString());
          await respond({
            response_type: 'ephemeral',
            text: cmd.kind === 'mute' ? "Muted: I'll keep answers to the reading, the next step and one wording. `/defuse unmute` for full answers." : "Unmuted: you'll get full answers again.",
          });
          return;
        case 'supervise':
          await supervise(client, command.team_id, command.channel_id, command.user_id, cmd.off, respond);
          return;
        case 'drill':
          await drills.command(client, { team: command.team_id, channel: command.channel_id, user: command.user_id, args: cmd.args }, respond);
          return;
        default: {
          // `/defuse <text>`, `/defuse coach <text>` and `/defuse new <text>` all coach privately.
          const text = cmd.text;
          if (text.trim() === '') {
            await respond({ response_type: 'ephemeral', text: HELP_TEXT });
            return;
          }
          const caseId = slackCaseId(command.team_id, command.channel_id, `cmd-${command.trigger_id}`);
          const r = await engine.coach.coachCase({ caseId, text, channel: { channel: 'slack', address: { team: command.team_id, channel: command.channel_id, agent: command.user_id } } });
          await respond({ response_type: 'ephemeral', text: adviceSummary(r.advice), blocks: adviceBlocks(r.advice, caseId).filter((b) => b.type !== 'actions') });
        }
      }
    } catch (err) {
      log.error('slash command failed', { code: errorCode(err) });
      await respond({ response_type: 'ephemeral', text: err instanceof DefuseError ? err.userMessage : APOLOGY }).catch(() => undefined);
    }
  });

  // Message shortcut "Coach me on this": coaches on any message (a forwarded customer
  // message, say), privately, through the shortcut's response_url.
  app.shortcut(SHORTCUT_COACH, async ({ shortcut, ack, respond }) => {
    await ack();
    const s = shortcut as { team?: { id?: string }; channel?: { id?: string }; message?: { text?: string; ts?: string }; user: { id: string } };
    const team = s.team?.id ?? 'unknown';
    const channel = s.channel?.id ?? 'unknown';
    const text = s.message?.text ?? '';
    try {
      const caseId = slackCaseId(team, channel, `msg-${s.message?.ts ?? 'unknown'}`);
      const r = await engine.coach.coachCase({ caseId, text, channel: { channel: 'slack', address: { team, channel, agent: s.user.id } } });
      await respond({ response_type: 'ephemeral', text: adviceSummary(r.advice), blocks: adviceBlocks(r.advice, caseId).filter((b) => b.type !== 'actions') });
    } catch (err) {
      log.error('shortcut failed', { code: errorCode(err) });
      await respond({ response_type: 'ephemeral', text: err instanceof DefuseError ? err.userMessage : APOLOGY }).catch(() => undefined);
    }
  });

  async function supervise(client: WebClient, team: string, channel: string, user: string, off: boolean, respond: (m: { response_type: 'ephemeral'; text: string }) => Promise<unknown>): Promise<void> {
    const current = await pings.channelFor(team);
    // Anyone may set the first channel when no supervisors are configured; after that only
    // supervisors (members of the current channel, or SUPERVISOR_SLACK_USERS) may move it.
    const allowed = (current === undefined && config.supervisors.length === 0) || (await pings.isSupervisor(client, team, user));
    if (!allowed) {
      await respond({ response_type: 'ephemeral', text: 'Only supervisors (members of the current supervisor channel) can change where pings go. Ask one of them to run this.' });
      return;
    }
    await store.routes.set({ platform: 'slack', tenant: team, target: off ? { off: true } : { channel }, updatedAt: deps.now().toISOString() });
    await respond({
      response_type: 'ephemeral',
      text: off ? 'Supervisor pings are off for this workspace.' : `Supervisor pings will come to <#${channel}>. Make sure I'm a member of this channel.`,
    });
  }

  async function caseAddress(caseId: string): Promise<CaseAddress | undefined> {
    const c = await store.cases.get(caseId);
    const a = c?.channel?.address;
    if (!a?.team || !a.channel || !a.thread) return undefined;
    return { team: a.team, channel: a.channel, thread: a.thread, agent: a.agent };
  }

  type ActionArgs = { ack: () => Promise<void>; body: unknown; client: WebClient; action: unknown };
  const caseOf = (action: unknown) => String((action as { value?: string }).value ?? '');
  const userOf = (body: unknown) => (body as { user: { id: string } }).user.id;
  const teamOf = (body: unknown) => (body as { team?: { id?: string }; user: { team_id?: string } }).team?.id ?? (body as { user: { team_id?: string } }).user.team_id ?? 'unknown';

  const guarded = (name: string, fn: (a: ActionArgs) => Promise<void>) => async (a: ActionArgs) => {
    await a.ack();
    try {
      await fn(a);
    } catch (err) {
      log.error('button failed', { action: name, code: errorCode(err) });
      const ch = (a.body as { channel?: { id?: string } }).channel?.id;
      if (ch) await a.client.chat.postEphemeral({ channel: ch, user: userOf(a.body), text: APOLOGY }).catch(() => undefined);
    }
  };

  app.action(ACTIONS.another, guarded('another', async ({ client, action }) => {
    const caseId = caseOf(action);
    const where = await caseAddress(caseId);
    const advice = await engine.coach.anotherWording(caseId);
    if (!where || !advice) return;
    await client.chat.postMessage({ channel: where.channel, thread_ts: where.thread, text: advice.say.map((w) => w.text).join(' / '), blocks: wordingBlocks(advice) });
  }));

  app.action(ACTIONS.calmer, guarded('calmer', async ({ body, client, action }) => {
    const caseId = caseOf(action);
    const where = await caseAddress(caseId);
    const r = await engine.coach.customerCalmed(caseId);
    if (!where || !r) return;
    await postAdvice(client, where, userOf(body), caseId, r.advice);
  }));

  app.action(ACTIONS.escalate, guarded('escalate', async ({ client, action }) => {
    const caseId = caseOf(action);
    const where = await caseAddress(caseId);
    const r = await engine.coach.requestSupervisor(caseId);
    if (!where || !r) return;
    const problem = await pings.ping(client, caseId, where);
    const text = problem ?? (r.opened ? "I've asked a supervisor to look at this case." : 'A supervisor has already been asked about this case.');
    await client.chat.postMessage({ channel: where.channel, thread_ts: where.thread, text });
  }));

  app.action(ACTIONS.resolved, guarded('resolved', async ({ client, action }) => {
    const caseId = caseOf(action);
    const where = await caseAddress(caseId);
    if (!(await engine.coach.closeCase(caseId)) || !where) return;
    await client.chat.postMessage({ channel: where.channel, thread_ts: where.thread, text: 'Marked resolved. Well handled.' });
  }));

  const supervisorAction = (name: string, dismiss: boolean) =>
    guarded(name, async ({ body, client, action }) => {
      const caseId = caseOf(action);
      const user = userOf(body);
      const team = teamOf(body);
      const ch = (body as { channel?: { id?: string } }).channel?.id;
      const ts = (body as { message?: { ts?: string } }).message?.ts;
      if (!(await pings.isSupervisor(client, team, user))) {
        if (ch) await client.chat.postEphemeral({ channel: ch, user, text: 'Only supervisors can take this. If that should be you, ask to be added to this channel or to SUPERVISOR_SLACK_USERS.' });
        return;
      }
      const took = await engine.coach.takeCase(caseId, user, dismiss ? 'dismissed' : 'taken');
      const where = await caseAddress(caseId);
      if (ch && ts) {
        const latest = await store.escalations.forCase(caseId);
        // The updated ping keeps its link to the case thread: the supervisor who took it needs it now.
        const permalink = where ? await caseThreadLink(client, where) : undefined;
        const blocks = pingBlocks({ caseId, reasons: latest, summary: latest.at(-1)?.summary ?? '', permalink, agent: where?.agent, acknowledgedBy: user });
        if (dismiss) blocks.splice(-1, 1, { type: 'context', elements: [{ type: 'mrkdwn', text: `Dismissed by <@${user}>` }] });
        await client.chat.update({ channel: ch, ts, text: dismiss ? `Dismissed by ${user}` : `${user} is on it`, blocks });
      }
      if (took && !dismiss && where) {
        await client.chat.postMessage({ channel: where.channel, thread_ts: where.thread, text: `<@${user}> (supervisor) is on it and will join you on this case.` });
      }
    });
  app.action(ACTIONS.onIt, supervisorAction('on_it', false));
  app.action(ACTIONS.dismiss, supervisorAction('dismiss', true));

  const feedback = (kind: 'helpful' | 'not_helpful') =>
    guarded(kind, async ({ body, client, action }) => {
      const caseId = caseOf(action);
      const user = userOf(body);
      const stored = await store.cases.addFeedback({ caseId, by: user, kind, at: deps.now().toISOString() });
      const ch = (body as { channel?: { id?: string } }).channel?.id;
      if (stored && ch) await client.chat.postEphemeral({ channel: ch, user, text: kind === 'helpful' ? 'Thanks, noted.' : "Thanks, noted. We'll use it to improve the coaching." });
    });
  app.action(ACTIONS.helpful, feedback('helpful'));
  app.action(ACTIONS.notHelpful, feedback('not_helpful'));

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    try {
      const steps = [...engine.content.playbook.values()].sort((a, b) => a.order - b.order);
      const recent = await store.cases.recentForAgent(event.user, 10);
      await client.views.publish({ user_id: event.user, view: homeView(steps, recent) });
    } catch (err) {
      log.error('app home failed', { code: errorCode(err) });
    }
  });

  app.error(async (err) => {
    log.error('slack listener error', { code: errorCode(err) });
  });

  return { app, mode };
}

/**
 * Runs the real service (src/main.ts startService) with Slack on, against the local Slack
 * double, and sends it requests signed the way Slack signs them (v0 HMAC-SHA256).
 */
import { createHmac } from 'node:crypto';
import { startTestService, type TestService } from '../support/service-harness.ts';
import { SlackDouble } from './slack-double.ts';

export const SECRET = '8f742231b10e8888abcd99eeeeee85a5';
export const BOT = 'UBOT';

export interface Harness extends TestService {
  slack: SlackDouble;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const slack = new SlackDouble();
  await slack.start();
  const t = await startTestService({ SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, ...env });
  return {
    ...t,
    slack,
    async stop() {
      await t.stop();
      await slack.stop();
    },
  };
}

export function sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SECRET): Record<string, string> {
  const sig = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${sig}` };
}

export async function postSlack(
  h: Harness,
  body: string,
  contentType: string,
  options: { headers?: Record<string, string>; signed?: boolean } = {},
): Promise<Response> {
  const signature = options.signed === false ? {} : sign(body);
  return fetch(`${h.base}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...signature, ...options.headers }, body });
}

let eventSeq = 0;
/** An Events API envelope (event_callback) around `event`, as Slack sends it. */
export function eventEnvelope(event: Record<string, unknown>, eventId = `Ev${++eventSeq}${Date.now()}`): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'T1',
    api_app_id: 'A1',
    event: { event_ts: event.ts, ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: 'T1', user_id: BOT, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}

export function sendEvent(h: Harness, event: Record<string, unknown>, eventId?: string, headers: Record<string, string> = {}): Promise<Response> {
  return postSlack(h, eventEnvelope(event, eventId), 'application/json', { headers });
}

let tsSeq = 100;
export const nextTs = () => `1700000${String(++tsSeq).padStart(3, '0')}.000300`;

/** The form body of a `/defuse` slash command, as Slack posts it. */
export function slashBody(text: string, user: string, channel: string, responseUrl: string, triggerId: string): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T1',
    team_domain: 'acme',
    channel_id: channel,
    channel_name: 'support',
    user_id: user,
    user_name: 'agent',
    command: '/defuse',
    text,
    api_app_id: 'A1',
    response_url: responseUrl,
    trigger_id: triggerId,
  }).toString();
}

export function slashCommand(h: Harness, text: string, user = 'U_AGENT', channel = 'C_SUPPORT'): Promise<Response> {
  const body = slashBody(text, user, channel, `${h.slack.origin}/respond/${++tsSeq}`, `trig.${tsSeq}`);
  return postSlack(h, body, 'application/x-www-form-urlencoded');
}

export function clickButton(h: Harness, actionId: string, value: string, user: string, channel: string, messageTs: string): Promise<Response> {
  const payload = {
    type: 'block_actions',
    user: { id: user, username: 'someone', team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
    trigger_id: `trig.${++tsSeq}`,
    team: { id: 'T1', domain: 'acme' },
    channel: { id: channel, name: 'support' },
    message: { type: 'message', ts: messageTs, text: 'advice', bot_id: 'BBOT' },
    response_url: `${h.slack.origin}/respond/${tsSeq}`,
    actions: [{ action_id: actionId, block_id: 'blk', text: { type: 'plain_text', text: 'x' }, value, type: 'button', action_ts: `${Date.now() / 1000}` }],
  };
  return postSlack(h, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
}

export function messageShortcut(h: Harness, callbackId: string, text: string, user = 'U_AGENT', channel = 'C_FWD'): Promise<Response> {
  const payload = {
    type: 'message_action',
    token: 'legacy',
    action_ts: `${Date.now() / 1000}`,
    team: { id: 'T1', domain: 'acme' },
    user: { id: user, username: 'agent', team_id: 'T1', name: 'agent' },
    channel: { id: channel, name: 'forwarded' },
    callback_id: callbackId,
    trigger_id: `trig.${++tsSeq}`,
    message_ts: nextTs(),
    message: { type: 'message', user: 'U_CUST', text, ts: `1700001${tsSeq}.000100` },
    response_url: `${h.slack.origin}/respond/${tsSeq}`,
  };
  return postSlack(h, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
}

/**
 * End to end: the real service and the real Bolt app over HTTP on loopback, signed requests
 * in, Web API calls out to the local Slack double.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { startService } from '../../src/main.ts';
import { REPING_QUIET_MS } from '../../src/core/escalation/ping-plan.ts';
import { ACTIONS } from '../../src/slack/blocks.ts';
import { SHORTCUT_COACH } from '../../src/slack/slack-app.ts';
import { SlackDouble } from './slack-double.ts';
import { BOT, clickButton, messageShortcut, nextTs, postSlack, SECRET, sendEvent, sign, slashCommand, startHarness, type Harness } from './slack-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.stop();
});

type Posted = { channel: string; thread_ts?: string; text: string; blocks?: unknown[]; metadata?: { event_type: string; event_payload: Record<string, unknown> } };
const body = (c: { body: Record<string, unknown> }) => c.body as unknown as Posted;

describe('Slack: coaching in a thread', () => {
  it('answers an @mention in its thread, and continues the case on a thread reply', async () => {
    const top = nextTs();
    const r = await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer says: this is the THIRD time I'm calling about the double charge, fix it today`, ts: top, channel: 'C_SUPPORT' });
    expect(r.status).toBe(200);
    const [first] = await h.slack.waitFor('chat.postMessage');
    const a = body(first!);
    expect(a.channel).toBe('C_SUPPORT');
    expect(a.thread_ts).toBe(top);
    expect(a.metadata?.event_type).toBe('defuse_advice');
    const caseId = `slack:T1:C_SUPPORT:${top}`;
    expect(a.metadata?.event_payload).toMatchObject({ case_id: caseId, trend: 'none' });
    expect(String(a.metadata?.event_payload.flags)).toContain('repeat_contact');
    for (const k of ['emotion', 'intensity', 'stage', 'step']) expect(a.metadata?.event_payload[k]).toBeDefined();
    const blocksText = JSON.stringify(a.blocks);
    expect(blocksText).toContain('Next step:');
    expect(blocksText).toContain(ACTIONS.another);
    expect(blocksText).toContain('THIRD time');

    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> Me: I'm so sorry, I've refunded the second charge, you'll see it in 3 days.\nCustomer: ok, fine. thanks`, ts: nextTs(), thread_ts: top, channel: 'C_SUPPORT' });
    const calls = await h.slack.waitFor('chat.postMessage', 2);
    const b = body(calls[1]!);
    expect(b.thread_ts).toBe(top);
    expect(b.metadata?.event_payload.case_id).toBe(caseId);
    // The second reading knows the first: a trend across the thread, and the agent's steps.
    expect(b.metadata?.event_payload.trend).not.toBe('none');
    const stored = (await h.service.store.cases.get(caseId))!;
    expect(stored.turns.filter((t) => t.role === 'customer')).toHaveLength(2);
  });

  it('coaches direct messages, and ignores its own messages, edits and other subtypes', async () => {
    await sendEvent(h, { type: 'message', subtype: 'message_changed', channel: 'D1', channel_type: 'im', ts: nextTs(), message: { text: 'edited' } });
    await sendEvent(h, { type: 'message', bot_id: 'BBOT', user: BOT, text: 'my own advice', channel: 'D1', channel_type: 'im', ts: nextTs() });
    await sendEvent(h, { type: 'message', user: 'U_AGENT', text: 'hello? is anyone there?', channel: 'C_SUPPORT', channel_type: 'channel', ts: nextTs() });
    const ts = nextTs();
    await sendEvent(h, { type: 'message', user: 'U_AGENT', text: "I'm really worried, my flight is tomorrow and my passport hasn't arrived", channel: 'D1', channel_type: 'im', ts });
    const [reply] = await h.slack.waitFor('chat.postMessage');
    expect(body(reply!)).toMatchObject({ channel: 'D1', thread_ts: ts });
    await new Promise((r) => setTimeout(r, 200));
    expect(h.slack.of('chat.postMessage')).toHaveLength(1);
  });

  it('replies once to an event Slack redelivers', async () => {
    const ts = nextTs();
    const event = { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> where is my refund`, ts, channel: 'C_SUPPORT' };
    await sendEvent(h, event, 'EvSAME1');
    await h.slack.waitFor('chat.postMessage');
    const retry = await sendEvent(h, event, 'EvSAME1', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(retry.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.of('chat.postMessage')).toHaveLength(1);
  });

  it('refuses a bad signature or a stale timestamp with 401, and a malformed body with 400', async () => {
    const raw = JSON.stringify({ type: 'event_callback', event_id: 'EvBAD', event: { type: 'app_mention', text: 'x', channel: 'C', ts: '1.1' } });
    const badSig = await postSlack(h, raw, 'application/json', { headers: { ...sign(raw, undefined, '0'.repeat(32)) }, signed: false });
    expect(badSig.status).toBe(401);
    const stale = await postSlack(h, raw, 'application/json', { headers: sign(raw, Math.floor(Date.now() / 1000) - 3600), signed: false });
    expect(stale.status).toBe(401);
    const malformed = await postSlack(h, '{"type": "event_callback", "event":', 'application/json');
    expect(malformed.status).toBe(400);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.slack.of('chat.postMessage')).toHaveLength(0);
  });

  it('apologises in the thread, without details, when coaching fails inside the listener', async () => {
    // The store goes away under the running app: the listener fails, the agent gets a calm line.
    await h.service.store.close();
    const ts = nextTs();
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> where is my parcel`, ts, channel: 'C_SUPPORT' });
    const [reply] = await h.slack.waitFor('chat.postMessage');
    expect(body(reply!).thread_ts).toBe(ts);
    expect(String(body(reply!).text)).toMatch(/^Sorry|try again/);
    expect(String(body(reply!).text)).not.toMatch(/Error|at .*\.ts/);
    expect(h.logs.some((l) => l.includes('"level":"error"'))).toBe(true);
  });

  it('retries a rate-limited reply after Retry-After', async () => {
    h.slack.failOnce('chat.postMessage', { status: 429, error: 'ratelimited', retryAfter: 1 });
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> my order never came`, ts: nextTs(), channel: 'C_SUPPORT' });
    const calls = await h.slack.waitFor('chat.postMessage', 2, () => true, 8000);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(900);
    expect(body(calls[1]!).metadata?.event_type).toBe('defuse_advice');
  }, 15_000);
});

describe('Slack: the /defuse command', () => {
  it('coaches, reviews a draft and shows help, ephemerally, through response_url', async () => {
    const r = await slashCommand(h, "I've been on hold for an hour and I want a refund NOW");
    expect(r.status).toBe(200);
    const [coached] = await h.slack.waitFor('response_url');
    expect(coached!.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(coached!.body.blocks)).toContain('Next step:');

    await slashCommand(h, "review Calm down, that's our policy and there's nothing I can do.");
    const [, reviewed] = await h.slack.waitFor('response_url', 2);
    const text = JSON.stringify(reviewed!.body.blocks);
    expect(text).toContain('dismiss');
    expect(text).toContain('policy_wall');

    await slashCommand(h, 'help');
    const [, , help] = await h.slack.waitFor('response_url', 3);
    expect(String(help!.body.text)).toContain('/defuse review');
  });
});

describe('Slack: mute', () => {
  it('keeps a muted agent\'s answers to the essentials until they unmute', async () => {
    await slashCommand(h, 'mute');
    const [ok] = await h.slack.waitFor('response_url');
    expect(String(ok!.body.text)).toMatch(/^Muted/);
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: this is the third time, I'm fed up`, ts: nextTs(), channel: 'C_SUPPORT' });
    const [compact] = await h.slack.waitFor('chat.postMessage');
    const c = JSON.stringify(body(compact!).blocks);
    expect(c).not.toContain('Avoid:');
    expect(c).not.toContain('Based on:');
    expect(c).toContain(ACTIONS.another);
    expect(body(compact!).metadata?.event_type).toBe('defuse_advice');

    await slashCommand(h, 'unmute');
    await h.slack.waitFor('response_url', 2);
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: still waiting for my refund`, ts: nextTs(), channel: 'C_SUPPORT' });
    const [, full] = await h.slack.waitFor('chat.postMessage', 2);
    expect(JSON.stringify(body(full!).blocks)).toContain('Avoid:');
  });
});

describe('Slack: the message shortcut', () => {
  it('coaches privately on the message it was used on', async () => {
    const r = await messageShortcut(h, SHORTCUT_COACH, 'Forwarded from the customer: you people are USELESS, I want a manager NOW');
    expect(r.status).toBe(200);
    const [reply] = await h.slack.waitFor('response_url');
    expect(reply!.body).toMatchObject({ response_type: 'ephemeral' });
    const text = JSON.stringify(reply!.body.blocks);
    expect(text).toContain('demands_manager');
    expect(h.slack.of('chat.postMessage')).toHaveLength(0);
  });
});

describe('Slack: supervisor pings', () => {
  it('pings the supervise channel once per case, updates it for a new reason, and records "I\'m on it"', async () => {
    h.slack.members.set('C_SUP', ['U_SUP']);
    await slashCommand(h, 'supervise', 'U_SUP', 'C_SUP');
    await h.slack.waitFor('response_url');
    expect((await h.service.store.routes.get('slack', 'T1'))?.target).toEqual({ channel: 'C_SUP' });

    const top = nextTs();
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: I'm calling my lawyer about this`, ts: top, channel: 'C_SUPPORT' });
    const pings = await h.slack.waitFor('chat.postMessage', 1, (c) => body(c).channel === 'C_SUP');
    const ping = body(pings[0]!);
    expect(ping.metadata).toMatchObject({ event_type: 'defuse_escalation', event_payload: { case_id: `slack:T1:C_SUPPORT:${top}`, reasons: 'threat_legal' } });
    const pingText = JSON.stringify(ping.blocks);
    expect(pingText).toContain('Open the case thread');
    expect(pingText).toContain('Agent has');
    expect(pingText).toMatch(/Customer: (angry|frustrated|hostile|calm|anxious|confused)/);

    // A new reason soon after: the same ping is updated in place, silently (no thread reply).
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> now: get me your manager. my lawyer is waiting`, ts: nextTs(), thread_ts: top, channel: 'C_SUPPORT' });
    const [update] = await h.slack.waitFor('chat.update');
    expect(String(body(update!).text)).toContain('demands_manager');
    await new Promise((r) => setTimeout(r, 200));
    expect(h.slack.of('chat.postMessage').filter((c) => body(c).channel === 'C_SUP')).toHaveLength(1);
    // After the quiet period, a further reason updates it again and is announced in its thread.
    h.advance(REPING_QUIET_MS + 1000);
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: keep this up and I will come down to your office and someone is going to get hurt`, ts: nextTs(), thread_ts: top, channel: 'C_SUPPORT' });
    await h.slack.waitFor('chat.update', 2);
    const supPosts = await h.slack.waitFor('chat.postMessage', 2, (c) => body(c).channel === 'C_SUP');
    expect(body(supPosts[1]!).thread_ts).toBeDefined();
    expect(String(body(supPosts[1]!).text)).toContain('safety risk');
    // A merely frustrated customer in another thread pings nobody.
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: still not fixed, this is getting annoying`, ts: nextTs(), channel: 'C_SUPPORT' });
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.of('chat.postMessage').filter((c) => body(c).channel === 'C_SUP' && !body(c).thread_ts)).toHaveLength(1);

    const pingTs = '1700000002.000100';
    // Not a supervisor: a polite refusal, nothing recorded.
    await clickButton(h, ACTIONS.onIt, `slack:T1:C_SUPPORT:${top}`, 'U_AGENT', 'C_SUP', pingTs);
    const [refusal] = await h.slack.waitFor('chat.postEphemeral');
    expect(String(body(refusal!).text)).toContain('Only supervisors');
    expect((await h.service.store.escalations.forCase(`slack:T1:C_SUPPORT:${top}`)).every((e) => e.acknowledgedBy === undefined)).toBe(true);

    await clickButton(h, ACTIONS.onIt, `slack:T1:C_SUPPORT:${top}`, 'U_SUP', 'C_SUP', pingTs);
    await h.slack.waitFor('chat.postMessage', 1, (c) => body(c).channel === 'C_SUPPORT' && String(body(c).text).includes('is on it'));
    const acked = await h.service.store.escalations.forCase(`slack:T1:C_SUPPORT:${top}`);
    expect(acked.map((e) => e.reason)).toEqual(expect.arrayContaining(['threat_legal', 'demands_manager', 'safety_risk']));
    expect(acked.every((e) => e.acknowledgedBy === 'U_SUP')).toBe(true);
  });

  it('keeps the case link when a supervisor takes a ping, and dismissing one tells no agent', async () => {
    h.slack.members.set('C_SUP', ['U_SUP']);
    await slashCommand(h, 'supervise', 'U_SUP', 'C_SUP');
    await h.slack.waitFor('response_url');
    // Once a channel is set, only its members may move it: the agent is refused, nothing changes.
    await slashCommand(h, 'supervise', 'U_AGENT', 'C_ELSEWHERE');
    const [, refused] = await h.slack.waitFor('response_url', 2);
    expect(JSON.stringify(refused!.body)).toContain('Only supervisors');
    expect((await h.service.store.routes.get('slack', 'T1'))?.target).toEqual({ channel: 'C_SUP' });

    // The agent's "Escalate" button alone opens a ping.
    const first = nextTs();
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: where is my parcel, it was due Monday`, ts: first, channel: 'C_SUPPORT' });
    await h.slack.waitFor('chat.postMessage');
    const firstCase = `slack:T1:C_SUPPORT:${first}`;
    await clickButton(h, ACTIONS.escalate, firstCase, 'U_AGENT', 'C_SUPPORT', '1700000001.000100');
    const [ping] = await h.slack.waitFor('chat.postMessage', 1, (c) => body(c).channel === 'C_SUP');
    expect(body(ping!).metadata?.event_payload).toMatchObject({ case_id: firstCase, reasons: 'agent_request' });

    await clickButton(h, ACTIONS.onIt, firstCase, 'U_SUP', 'C_SUP', '1700000002.000100');
    const [taken] = await h.slack.waitFor('chat.update');
    const takenBlocks = JSON.stringify(body(taken!).blocks);
    expect(takenBlocks).toContain(`https://acme.slack.com/archives/C_SUPPORT/p${first.replace('.', '')}`);
    expect(takenBlocks).toContain('<@U_SUP> is on it');

    // Dismissed: the ping says so, the escalation is closed (no re-ping), the agent hears nothing.
    const second = nextTs();
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: I want your manager, now`, ts: second, channel: 'C_SUPPORT' });
    await h.slack.waitFor('chat.postMessage', 2, (c) => body(c).channel === 'C_SUP');
    const secondCase = `slack:T1:C_SUPPORT:${second}`;
    await clickButton(h, ACTIONS.dismiss, secondCase, 'U_SUP', 'C_SUP', '1700000003.000100');
    const [, dismissed] = await h.slack.waitFor('chat.update', 2);
    expect(JSON.stringify(body(dismissed!).blocks)).toContain('Dismissed by <@U_SUP>');
    expect((await h.service.store.escalations.forCase(secondCase)).every((e) => e.acknowledgedBy === 'U_SUP')).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.slack.of('chat.postMessage').some((c) => body(c).thread_ts === second && String(body(c).text).includes('on it'))).toBe(false);
    const metrics = await (await fetch(`${h.base}/metrics`)).text();
    expect(metrics).toMatch(/defuse_escalation_acknowledgements_total\{outcome="taken"\} 1/);
    expect(metrics).toMatch(/defuse_escalation_acknowledgements_total\{outcome="dismissed"\} 1/);

    // Off: the channel is no longer the escalation channel.
    await slashCommand(h, 'supervise off', 'U_SUP', 'C_SUP');
    await h.slack.waitFor('response_url', 3);
    expect((await h.service.store.routes.get('slack', 'T1'))?.target).toEqual({ off: true });
  });

  it('lets a user listed in SUPERVISOR_SLACK_USERS register a channel they are not in', async () => {
    await h.stop();
    h = await startHarness({ SUPERVISOR_SLACK_USERS: 'U0BOSS01' });
    h.slack.members.set('C_SUP', ['U_SUP']);
    // With supervisors configured, nobody else may set even the first channel.
    await slashCommand(h, 'supervise', 'U_AGENT', 'C_SUP');
    const [refused] = await h.slack.waitFor('response_url');
    expect(JSON.stringify(refused!.body)).toContain('Only supervisors');
    expect(await h.service.store.routes.get('slack', 'T1')).toBeUndefined();
    await slashCommand(h, 'supervise', 'U0BOSS01', 'C_SUP');
    await h.slack.waitFor('response_url', 2);
    expect((await h.service.store.routes.get('slack', 'T1'))?.target).toEqual({ channel: 'C_SUP' });
  });

  it('tells the agent in the case thread when the ping cannot be posted', async () => {
    h.slack.members.set('C_SUP', ['U_SUP']);
    await slashCommand(h, 'supervise', 'U_SUP', 'C_SUP');
    await h.slack.waitFor('response_url');
    h.slack.failOnce('chat.postMessage', { status: 200, error: 'not_in_channel', when: (b) => b.channel === 'C_SUP' });
    const top = nextTs();
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> I will take you to small claims court`, ts: top, channel: 'C_SUPPORT' });
    const [told] = await h.slack.waitFor('chat.postMessage', 1, (c) => body(c).channel === 'C_SUPPORT' && String(body(c).text).includes('supervisor channel'));
    expect(body(told!).thread_ts).toBe(top);
    expect(String(body(told!).text)).toContain('/invite');
    expect(h.logs.some((l) => l.includes('"code":"not_in_channel"'))).toBe(true);
  });
});

describe('Slack: App Home and feedback', () => {
  it('publishes a Home tab with the playbook and the agent\'s own recent cases, and stores 👍/👎', async () => {
    const top = nextTs();
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: my parcel is two weeks late`, ts: top, channel: 'C_SUPPORT' });
    await h.slack.waitFor('chat.postMessage');
    await sendEvent(h, { type: 'app_mention', user: 'U_OTHER', text: `<@${BOT}> customer: you idiots lost my bag`, ts: nextTs(), channel: 'C_SUPPORT' });
    await h.slack.waitFor('chat.postMessage', 2);
    await sendEvent(h, { type: 'app_home_opened', user: 'U_AGENT', channel: 'D1', tab: 'home', ts: nextTs() });
    const [published] = await h.slack.waitFor('views.publish');
    expect(published!.body.user_id).toBe('U_AGENT');
    const view = JSON.stringify(published!.body.view);
    expect(view).toContain('The playbook at a glance');
    expect(view).toContain('Let them finish venting');
    expect(view.match(/🟢/g)).toHaveLength(1);
    expect(view).not.toContain('hostile');

    const caseId = `slack:T1:C_SUPPORT:${top}`;
    await clickButton(h, ACTIONS.helpful, caseId, 'U_AGENT', 'C_SUPPORT', '1700000001.000100');
    await h.slack.waitFor('chat.postEphemeral');
    expect(await h.service.store.cases.feedbackFor(caseId)).toEqual([expect.objectContaining({ by: 'U_AGENT', kind: 'helpful' })]);
  });
});

describe('Slack: case buttons', () => {
  it('offers another wording, takes "customer calmed down", escalates on request and marks a case resolved', async () => {
    const top = nextTs();
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: I've been waiting three weeks for my refund`, ts: top, channel: 'C_SUPPORT' });
    await h.slack.waitFor('chat.postMessage');
    const caseId = `slack:T1:C_SUPPORT:${top}`;
    const shownBefore = (await h.service.store.cases.get(caseId))!.shownWordings;

    await clickButton(h, ACTIONS.another, caseId, 'U_AGENT', 'C_SUPPORT', '1700000001.000100');
    const [, more] = await h.slack.waitFor('chat.postMessage', 2);
    expect(body(more!).thread_ts).toBe(top);
    const shownAfter = (await h.service.store.cases.get(caseId))!.shownWordings;
    expect(shownAfter.length).toBeGreaterThan(shownBefore.length);
    expect(shownAfter.slice(shownBefore.length).some((id) => shownBefore.includes(id))).toBe(false);

    await clickButton(h, ACTIONS.calmer, caseId, 'U_AGENT', 'C_SUPPORT', '1700000001.000100');
    const calmer = await h.slack.waitFor('chat.postMessage', 1, (c) => body(c).metadata?.event_type === 'defuse_advice' && body(c).metadata?.event_payload.trend === 'falling');
    expect(JSON.stringify(body(calmer[0]!).blocks)).toContain('You reported that the customer calmed down');
    const afterCalm = (await h.service.store.cases.get(caseId))!;
    expect(afterCalm.turns.at(-1)).toMatchObject({ role: 'note', signal: 'calmed' });

    await clickButton(h, ACTIONS.escalate, caseId, 'U_AGENT', 'C_SUPPORT', '1700000001.000100');
    await h.slack.waitFor('chat.postMessage', 1, (c) => String(body(c).text).includes('supervisor'));
    expect((await h.service.store.escalations.forCase(caseId)).map((e) => e.reason)).toContain('agent_request');

    await clickButton(h, ACTIONS.resolved, caseId, 'U_AGENT', 'C_SUPPORT', '1700000001.000100');
    await h.slack.waitFor('chat.postMessage', 1, (c) => String(body(c).text).includes('resolved'));
    expect((await h.service.store.cases.get(caseId))!.open).toBe(false);
  });
});

describe('Slack: the token is checked before the service starts', () => {
  it('calls auth.test once at start, and refuses to start, naming the variable, when Slack rejects the token or cannot be reached', async () => {
    // The harness's service started: its token check was awaited, not left running.
    expect(h.slack.of('auth.test')).toHaveLength(1);
    const slack = new SlackDouble();
    await slack.start();
    const dir = mkdtempSync(join(tmpdir(), 'defuse-slack-token-'));
    try {
      slack.failOnce('auth.test', { status: 200, error: 'invalid_auth' });
      const config = readConfig({ PORT: '0', DATA_DIR: dir, SLACK_BOT_TOKEN: 'xoxb-revoked', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url });
      await expect(startService(config, createLogger('error', () => undefined))).rejects.toThrow(/SLACK_BOT_TOKEN \(invalid_auth\)/);
      expect(slack.of('auth.test')).toHaveLength(1);
      // Nothing listens at the API address: the start says Slack could not be reached.
      const gone = slack.url;
      await slack.stop();
      const unreachable = readConfig({ PORT: '0', DATA_DIR: dir, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: gone });
      await expect(startService(unreachable, createLogger('error', () => undefined))).rejects.toThrow(/SLACK_BOT_TOKEN \(Slack could not be reached\)/);
    } finally {
      await slack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

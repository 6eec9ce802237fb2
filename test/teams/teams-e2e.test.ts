/**
 * Teams end to end: the real service and CloudAdapter over HTTP on loopback, activities shaped
 * as Teams sends them, and a connector double capturing what the bot sends back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPING_QUIET_MS } from '../../src/core/escalation/ping-plan.ts';
import { plain } from '../../src/teams/cards.ts';
import { cardOf, textOf, type ConnectorCall } from './connector-double.ts';
import { BOT_ID, cardAction, cardSubmit, message, nextId, startTeamsHarness, TENANT, type TeamsHarness } from './teams-harness.ts';

let h: TeamsHarness;
beforeEach(async () => {
  h = await startTeamsHarness();
});
afterEach(async () => {
  await h.stop();
});

interface SentAdvice {
  emotion: string;
  stage: string;
  step: string;
  flags: string[];
  trend: { history: unknown[] };
  say: { text: string }[];
  escalate: { notify: boolean };
}
const advice = (c: ConnectorCall) => (c.body.value as { advice: SentAdvice }).advice;
const caseOf = (c: ConnectorCall) => (c.body.value as { caseId: string }).caseId;

describe('Teams: coaching', () => {
  it('answers a personal chat with an Adaptive Card and the Advice in value, and continues the case', async () => {
    const first = message(h, 'This is the THIRD time I am calling about this bill!!! You people never fix anything');
    expect((await h.post(first)).status).toBe(200);
    const [reply] = await h.connector.waitFor((c) => c.kind === 'reply');
    expect(reply!.conversationId).toBe('a:personal-29:agent-1');
    expect(reply!.activityId).toBe(first.id);
    const card = cardOf(reply!)!;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    const actions = (card.actions as { type: string; title: string; verb: string; fallback: { type: string } }[]);
    expect(actions.map((x) => x.title)).toEqual(['Another wording', 'Customer calmed down', 'Escalate to supervisor', 'Resolved', '👍', '👎']);
    expect(actions.every((x) => x.type === 'Action.Execute' && x.fallback.type === 'Action.Submit')).toBe(true);
    const a1 = advice(reply!);
    expect(a1.flags).toContain('repeat_contact');
    expect(['frustrated', 'angry', 'hostile']).toContain(a1.emotion);
    expect(textOf(reply!)).toContain('Based on:');

    await h.post(message(h, 'ok. so what are you going to do about it?'));
    const replies = await h.connector.waitFor((c) => c.kind === 'reply', 2);
    expect(caseOf(replies[1]!)).toBe(caseOf(replies[0]!));
    expect(advice(replies[1]!).trend.history).toHaveLength(2);
    expect((await h.service.store.cases.get(caseOf(replies[0]!)))?.turns.filter((t) => t.role === 'customer')).toHaveLength(2);

    // `new` starts a fresh case in a chat.
    await h.post(message(h, 'new'));
    await h.connector.waitFor((c) => c.kind === 'reply' && String(c.body.text).includes('new case'));
    await h.post(message(h, 'Hi, just checking when my refund will land?'));
    const after = await h.connector.waitFor((c) => c.kind === 'reply' && c.body.value !== undefined, 3);
    expect(caseOf(after[2]!)).not.toBe(caseOf(after[0]!));
    expect((await h.service.store.cases.get(caseOf(after[0]!)))?.open).toBe(false);
  });

  it('coaches an @mention in a channel in its reply chain, and continues the case on a reply', async () => {
    const root = nextId();
    const conv = `19:support@thread.tacv2;messageid=${root}`;
    const where = { conversationId: conv, conversationType: 'channel' as const, teamId: '19:team@thread.tacv2' };
    const first = message(h, '<at>Defuse</at> customer: I want to speak to your manager, now.', where, { id: root, entities: [{ type: 'mention', mentioned: { id: BOT_ID, name: 'Defuse' }, text: '<at>Defuse</at>' }] });
    await h.post(first);
    const [reply] = await h.connector.waitFor((c) => c.kind === 'reply');
    expect(reply!.conversationId).toBe(conv);
    expect(advice(reply!).flags).toContain('demands_manager');
    expect(caseOf(reply!)).toBe(`teams:${TENANT}:${conv}`);
    await h.post(message(h, '<at>Defuse</at> she says: fine, but I want it in writing today', where));
    const both = await h.connector.waitFor((c) => c.kind === 'reply' && c.body.value !== undefined, 2);
    expect(caseOf(both[1]!)).toBe(caseOf(both[0]!));
    expect(advice(both[1]!).trend.history).toHaveLength(2);
  });

  it('reviews a draft, shows help, and keeps answers short for an agent who muted', async () => {
    await h.post(message(h, 'review Calm down, that is our policy and there is nothing I can do.'));
    const [review] = await h.connector.waitFor((c) => c.kind === 'reply');
    const reviewText = textOf(review!);
    expect(reviewText).toContain('Draft check');
    expect(reviewText).toContain('dismiss');
    expect(reviewText).toContain('policy_wall');

    await h.post(message(h, 'help'));
    const [, help] = await h.connector.waitFor((c) => c.kind === 'reply', 2);
    expect(textOf(help!)).toContain('The playbook at a glance');

    await h.post(message(h, 'mute'));
    await h.connector.waitFor((c) => c.kind === 'reply' && String(c.body.text).startsWith('Muted'));
    await h.post(message(h, 'you people are a joke, fix my internet'));
    const advised = await h.connector.waitFor((c) => c.kind === 'reply' && c.body.value !== undefined);
    const body = cardOf(advised[0]!)!.body as unknown[];
    expect(body.length).toBeLessThanOrEqual(4);
    expect(JSON.stringify(body)).not.toContain('Based on:');
    expect((await h.service.store.preferences.get('teams', 'aad-29:agent-1')).muted).toBe(true);

    await h.post(message(h, 'unmute'));
    await h.connector.waitFor((c) => c.kind === 'reply' && String(c.body.text).startsWith('Unmuted'));
    expect((await h.service.store.preferences.get('teams', 'aad-29:agent-1')).muted).toBe(false);
    // `coach <text>` reads the text after the command word, in full again.
    await h.post(message(h, 'coach review my bill, you charged me twice and I want it fixed today'));
    const full = await h.connector.waitFor((c) => c.kind === 'reply' && c.body.value !== undefined, 2);
    const coached = full[1]!;
    expect(JSON.stringify(cardOf(coached)!.body)).toContain('Based on:');
    const turns = (await h.service.store.cases.get(caseOf(coached)))!.turns.filter((t) => t.role === 'customer');
    expect(turns.at(-1)!.text).toBe('review my bill, you charged me twice and I want it fixed today');
    expect(textOf(coached)).not.toContain('Draft check');
  });

  it('welcomes once when installed, and ignores activity types it does not handle', async () => {
    const install = { ...message(h, ''), type: 'conversationUpdate', membersAdded: [{ id: BOT_ID }] };
    delete (install as { text?: string }).text;
    expect((await h.post(install)).status).toBe(200);
    const [welcome] = await h.connector.waitFor((c) => c.kind === 'send' || c.kind === 'reply');
    expect(welcome!.conversationId).toBe('a:personal-29:agent-1');
    expect(textOf(welcome!)).toContain('Defuse');
    await h.post({ ...message(h, ''), type: 'conversationUpdate', membersAdded: [{ id: '29:colleague' }] });
    const typing = await h.post({ ...message(h, ''), type: 'typing' });
    const reaction = await h.post({ ...message(h, ''), type: 'messageReaction', reactionsAdded: [{ type: 'like' }] });
    expect([typing.status, reaction.status]).toEqual([200, 200]);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.connector.sent()).toHaveLength(1);
  });
});

describe('Teams: card buttons', () => {
  it('handles Action.Execute and its Action.Submit fallback alike, and stores feedback', async () => {
    await h.post(message(h, 'my order is two weeks late and nobody tells me anything'));
    const [reply] = await h.connector.waitFor((c) => c.kind === 'reply');
    const caseId = caseOf(reply!);

    const another = await h.post(cardAction(h, 'another_wording', caseId));
    expect(another.status).toBe(200);
    expect(JSON.parse(another.body)).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    const [wording] = await h.connector.waitFor((c) => textOf(c).includes('Another way to say it'));
    const firstSay = advice(reply!).say.map((s) => s.text);
    expect(firstSay.some((s) => textOf(wording!).includes(plain(s)))).toBe(false);

    // The same button through Action.Submit: a message with the data in value.
    await h.post(cardSubmit(h, 'customer_calmed', caseId));
    await h.connector.waitFor((c) => String(c.body.text).includes('calmed down'));
    const stored = await h.service.store.cases.get(caseId);
    expect(stored?.turns.some((t) => t.signal === 'calmed')).toBe(true);

    const up = await h.post(cardAction(h, 'feedback_helpful', caseId));
    expect(JSON.parse(up.body).value).toBe('Thanks, noted.');
    expect(await h.service.store.cases.feedbackFor(caseId)).toMatchObject([{ kind: 'helpful', by: 'aad-29:agent-1' }]);

    const done = await h.post(cardAction(h, 'resolved', caseId));
    expect(JSON.parse(done.body).value).toContain('resolved');
    expect((await h.service.store.cases.get(caseId))?.open).toBe(false);

    const unknown = await h.post(cardAction(h, 'launch_rockets', caseId));
    expect(JSON.parse(unknown.body).value).toContain("don't know that button");
  });
});

describe('Teams: supervisor pings', () => {
  it('registers a channel with supervise, pings it proactively once per case, and handles "I\'m on it"', async () => {
    const supConv = '19:supervisors@thread.tacv2';
    const supWhere = { conversationId: `${supConv};messageid=900`, conversationType: 'channel' as const, teamId: '19:sup-team@thread.tacv2', user: '29:sup-1', userName: 'Sam Supervisor' };
    h.connector.members.set('19:sup-team@thread.tacv2', ['29:sup-1']);
    await h.post(message(h, '<at>Defuse</at> supervise', supWhere));
    await h.connector.waitFor((c) => String(c.body.text).includes('Supervisor pings will come'));
    const route = await h.service.store.routes.get('teams', TENANT);
    expect((route?.target as { reference: { conversation: { id: string } } }).reference.conversation.id).toBe(supConv);

    // An agent's case escalates: a proactive ping goes to the supervisor channel.
    await h.post(message(h, 'I am calling my lawyer about this, you will hear from them'));
    // Proactive: continueConversationAsync, then a message into the channel (a new post).
    const [ping] = await h.connector.waitFor((c) => (c.kind === 'send' || c.kind === 'reply') && c.conversationId === supConv);
    expect(ping!.body.value).toMatchObject({ event_type: 'defuse_escalation', reasons: ['threat_legal'] });
    expect(textOf(ping!)).toContain('A case needs a supervisor');
    expect(textOf(ping!)).toContain('Alex Agent');
    // The case is in the agent's personal chat with the bot: no link a supervisor could not open.
    expect(textOf(ping!)).toContain("in the agent's private chat with Defuse");
    expect(JSON.stringify(cardOf(ping!)!.actions)).not.toContain('Action.OpenUrl');
    const caseId = (ping!.body.value as { case_id: string }).case_id;
    const pingId = ping!.returnedId!;

    // A second reason soon after: the same card is updated in place, no new message.
    await h.post(message(h, 'and get me your manager right now'));
    const [update] = await h.connector.waitFor((c) => c.kind === 'update' && c.conversationId === supConv);
    expect(textOf(update!)).toContain('demands manager');
    await new Promise((r) => setTimeout(r, 200));
    expect(h.connector.sent(supConv)).toHaveLength(1);
    // After the quiet period a further reason is also announced in the ping's reply chain.
    h.advance(REPING_QUIET_MS + 1000);
    await h.post(message(h, 'keep this up and I will come down to your office and someone is going to get hurt'));
    const [announce] = await h.connector.waitFor((c) => c.kind !== 'update' && c.conversationId === `${supConv};messageid=${pingId}`);
    expect(String(announce!.body.text)).toContain('safety risk');

    // A non-supervisor is refused; nothing is recorded.
    const refused = await h.post(cardAction(h, 'on_it', caseId, { ...supWhere, user: '29:agent-2', userName: 'Other Agent' }, pingId));
    expect(JSON.parse(refused.body).value).toContain('Only supervisors');
    expect((await h.service.store.escalations.forCase(caseId)).every((e) => e.acknowledgedBy === undefined)).toBe(true);

    // The supervisor takes it: the card is updated in place and the agent is told.
    const onIt = await h.post(cardAction(h, 'on_it', caseId, supWhere, pingId));
    const res = JSON.parse(onIt.body);
    expect(res.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(res.value)).toContain('Sam Supervisor is on it');
    await h.connector.waitFor((c) => c.kind === 'update' && c.activityId === pingId && textOf(c).includes('is on it'));
    const [told] = await h.connector.waitFor((c) => c.conversationId === 'a:personal-29:agent-1' && String(c.body.text).includes('is on it'));
    expect(String(told!.body.text)).toContain('Sam Supervisor');
    const acked = await h.service.store.escalations.forCase(caseId);
    expect(acked.map((e) => e.reason)).toEqual(expect.arrayContaining(['threat_legal', 'demands_manager', 'safety_risk']));
    expect(acked.every((e) => e.acknowledgedBy === 'aad-29:sup-1')).toBe(true);

    // Only a supervisor may move the pings elsewhere.
    await h.post(message(h, 'supervise', { user: '29:agent-2' }));
    await h.connector.waitFor((c) => String(c.body.text).includes('Only supervisors (members'));
  });

  it('pings on the agent\'s "Escalate" button, lets a listed supervisor dismiss it, and tells no agent', async () => {
    await h.stop();
    h = await startTeamsHarness({ SUPERVISOR_TEAMS_USERS: '29:boss-1' });
    const supConv = '19:supervisors@thread.tacv2';
    const supWhere = { conversationId: `${supConv};messageid=900`, conversationType: 'channel' as const, teamId: '19:sup-team@thread.tacv2', user: '29:sup-1', userName: 'Sam Supervisor' };
    h.connector.members.set('19:sup-team@thread.tacv2', ['29:sup-1']);
    // With supervisors configured, an agent may not register even the first channel.
    await h.post(message(h, 'supervise', { ...supWhere, user: '29:agent-2' }));
    await h.connector.waitFor((c) => String(c.body.text).includes('Only supervisors'));
    expect(await h.service.store.routes.get('teams', TENANT)).toBeUndefined();
    // Listed in SUPERVISOR_TEAMS_USERS, not a member of the channel: may register it and act.
    const boss = { ...supWhere, user: '29:boss-1', userName: 'Bo Boss' };
    await h.post(message(h, '<at>Defuse</at> supervise', boss));
    await h.connector.waitFor((c) => String(c.body.text).includes('Supervisor pings will come'));

    // Teams HTML is read as text: tags dropped, entities decoded.
    await h.post(message(h, '<p>my order is two weeks late &amp; nobody tells me anything</p>'));
    const [reply] = await h.connector.waitFor((c) => c.kind === 'reply' && c.body.value !== undefined);
    const caseId = caseOf(reply!);
    const stored = await h.service.store.cases.get(caseId);
    expect(stored?.turns[0]?.text).toBe('my order is two weeks late & nobody tells me anything');

    await h.post(cardAction(h, 'escalate', caseId));
    const [ping] = await h.connector.waitFor((c) => (c.kind === 'send' || c.kind === 'reply') && c.conversationId === supConv);
    expect(ping!.body.value).toMatchObject({ event_type: 'defuse_escalation', case_id: caseId, reasons: ['agent_request'] });

    const dismissed = await h.post(cardAction(h, 'dismiss', caseId, boss, ping!.returnedId!));
    expect(JSON.stringify(JSON.parse(dismissed.body).value)).toContain('Dismissed by Bo Boss');
    await h.connector.waitFor((c) => c.kind === 'update' && c.activityId === ping!.returnedId && textOf(c).includes('Dismissed by Bo Boss'));
    expect((await h.service.store.escalations.forCase(caseId)).every((e) => e.acknowledgedBy === 'aad-29:boss-1')).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.connector.calls.some((c) => c.conversationId === 'a:personal-29:agent-1' && String(c.body.text).includes('is on it'))).toBe(false);
    const metrics = await (await fetch(`${h.base}/metrics`)).text();
    expect(metrics).toMatch(/defuse_escalation_acknowledgements_total\{outcome="dismissed"\} 1/);
  });

  it('links the ping to a channel case\'s reply chain, keeps the link once taken, and tells the agent in that thread', async () => {
    const supConv = '19:supervisors@thread.tacv2';
    const supWhere = { conversationId: `${supConv};messageid=900`, conversationType: 'channel' as const, teamId: '19:sup-team@thread.tacv2', user: '29:sup-1', userName: 'Sam Supervisor' };
    h.connector.members.set('19:sup-team@thread.tacv2', ['29:sup-1']);
    await h.post(message(h, '<at>Defuse</at> supervise', supWhere));
    await h.connector.waitFor((c) => String(c.body.text).includes('Supervisor pings will come'));

    const root = nextId();
    const conv = `19:support@thread.tacv2;messageid=${root}`;
    const where = { conversationId: conv, conversationType: 'channel' as const, teamId: '19:team@thread.tacv2', teamGroup: 'b1c2d3e4-0000-4000-8000-000000000001' };
    await h.post(message(h, '<at>Defuse</at> customer says: get me your supervisor, I am done with you', where, { id: root }));
    const [ping] = await h.connector.waitFor((c) => (c.kind === 'send' || c.kind === 'reply') && c.conversationId === supConv);
    const open = (cardOf(ping!)!.actions as { type: string; title: string; url?: string }[])[0]!;
    expect(open).toMatchObject({ type: 'Action.OpenUrl', title: 'Open the case' });
    const url = new URL(open.url!);
    expect(url.origin + url.pathname).toBe(`https://teams.microsoft.com/l/message/${encodeURIComponent('19:support@thread.tacv2')}/${root}`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ tenantId: TENANT, groupId: 'b1c2d3e4-0000-4000-8000-000000000001', parentMessageId: root });
    expect(textOf(ping!)).not.toContain('private chat');

    const caseId = (ping!.body.value as { case_id: string }).case_id;
    await h.post(cardAction(h, 'on_it', caseId, supWhere, ping!.returnedId!));
    const [updated] = await h.connector.waitFor((c) => c.kind === 'update' && c.activityId === ping!.returnedId);
    expect(JSON.stringify(cardOf(updated!)!.actions)).toContain(open.url!);
    expect(JSON.stringify(cardOf(updated!)!.actions)).not.toContain('on_it');
    // The agent hears it where the case is: the channel's reply chain, not a private chat.
    const [told] = await h.connector.waitFor((c) => String(c.body.text).includes('is on it'));
    expect(told!.conversationId).toBe(conv);
  });

  it('registers a group chat with supervise, and coaches, continues and pings a group-chat case with a link to its first message', async () => {
    const sup = { conversationId: '19:sup-chat@thread.v2', conversationType: 'groupChat' as const, user: '29:sup-1', userName: 'Sam Supervisor' };
    h.connector.members.set('19:sup-chat@thread.v2', ['29:sup-1']);
    await h.post(message(h, '<at>Defuse</at> supervise', sup));
    await h.connector.waitFor((c) => String(c.body.text).includes('Supervisor pings will come'));
    const route = await h.service.store.routes.get('teams', TENANT);
    expect((route?.target as { reference: { conversation: { id: string } } }).reference.conversation.id).toBe('19:sup-chat@thread.v2');

    const chat = { conversationId: '19:team-huddle@thread.v2', conversationType: 'groupChat' as const };
    const first = message(h, '<at>Defuse</at> she says the fee is a rip-off and wants it back', chat);
    await h.post(first);
    const [reply] = await h.connector.waitFor((c) => c.kind === 'reply' && c.body.value !== undefined);
    expect(reply!.conversationId).toBe('19:team-huddle@thread.v2');
    const caseId = caseOf(reply!);
    expect(caseId).toBe(`teams:${TENANT}:19:team-huddle@thread.v2#${String(first.id)}`);
    // The next message from the same agent in the chat continues the case.
    await h.post(message(h, '<at>Defuse</at> now: I want a manager on this call, right now', chat));
    const both = await h.connector.waitFor((c) => c.kind === 'reply' && c.body.value !== undefined, 2);
    expect(caseOf(both[1]!)).toBe(caseId);
    expect(advice(both[1]!).trend.history).toHaveLength(2);

    // The ping goes into the supervisors' chat, linking to the message that opened the case.
    const [ping] = await h.connector.waitFor((c) => (c.kind === 'send' || c.kind === 'reply') && c.conversationId === '19:sup-chat@thread.v2' && c.body.value !== undefined);
    expect(ping!.body.value).toMatchObject({ case_id: caseId, reasons: ['demands_manager'] });
    const open = (cardOf(ping!)!.actions as { type: string; url?: string }[]).find((x) => x.type === 'Action.OpenUrl');
    const url = new URL(open!.url!);
    expect(url.pathname).toBe(`/l/message/${encodeURIComponent('19:team-huddle@thread.v2')}/${String(first.id)}`);
    expect(JSON.parse(url.searchParams.get('context')!)).toEqual({ contextType: 'chat' });
  });

  it('tells the agent when no supervisor channel is registered', async () => {
    await h.post(message(h, 'we will be taking you to small claims court over this'));
    const [told] = await h.connector.waitFor((c) => String(c.body.text).includes('No supervisor channel'));
    expect(told!.kind).toBe('reply');
  });
});

describe('Teams: robustness', () => {
  it('answers an activity once, even when it is delivered twice', async () => {
    const m = message(h, 'where is my parcel, it was due on Monday');
    await h.post(m);
    await h.post(m);
    await h.connector.waitFor((c) => c.kind === 'reply');
    await new Promise((r) => setTimeout(r, 200));
    expect(h.connector.sent()).toHaveLength(1);
    const click = cardAction(h, 'feedback_helpful', caseOf(h.connector.sent()[0]!));
    expect(JSON.parse((await h.post(click)).body).value).toBe('Thanks, noted.');
    expect(JSON.parse((await h.post(click)).body).value).toBe('Already done.');
  });

  it('rejects malformed requests with 400 and a clear message, and other methods with 405', async () => {
    const bad = await fetch(`${h.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "message",' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_json' });
    const noConversation = message(h, 'hello');
    delete noConversation.conversation;
    const r = await h.post(noConversation);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ error: 'invalid_activity' });
    expect(JSON.parse(r.body).message).toContain('conversation');
    expect((await h.post({ ...message(h, 'x'), serviceUrl: 'not a url' })).status).toBe(400);
    expect((await fetch(`${h.base}/api/messages`)).status).toBe(405);
    expect(h.connector.calls).toHaveLength(0);
    const health = await (await fetch(`${h.base}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', teams: 'unauthenticated' });
  });

  it('retries connector rate limits (Retry-After) and server errors', async () => {
    h.connector.fail('reply', { status: 429, retryAfter: 1 });
    const t0 = Date.now();
    await h.post(message(h, 'I was promised a callback yesterday and nobody called'));
    const replies = await h.connector.waitFor((c) => c.kind === 'reply', 2);
    expect(replies[1]!.at - replies[0]!.at).toBeGreaterThanOrEqual(900);
    expect(Date.now() - t0).toBeLessThan(8000);
    h.connector.fail('reply', { status: 503 });
    await h.post(message(h, 'still nothing'));
    await h.connector.waitFor((c) => c.kind === 'reply', 4);
  });

  it('gives up on a connector that keeps refusing after a bounded number of retries, and goes on serving', async () => {
    // Retry-After: 0 so the test need not wait; 8 refusals cover the reply and the apology,
    // each tried once and retried three times. An unbounded retry would reach a 9th call, which succeeds.
    h.connector.fail('reply', { status: 429, retryAfter: 0, times: 8 });
    await h.post(message(h, 'my card was declined three times today'));
    await new Promise((r) => setTimeout(r, 1500));
    const refused = h.connector.calls.filter((c) => c.kind === 'reply');
    expect(refused).toHaveLength(8);
    expect(refused.every((c) => c.returnedId === undefined)).toBe(true);
    expect(h.logs.some((l) => l.includes('teams turn failed') && l.includes('http_429'))).toBe(true);
    await h.post(message(h, 'hello? is anyone there?'));
    const [answered] = await h.connector.waitFor((c) => c.kind === 'reply' && c.returnedId !== undefined);
    expect(answered!.body.value).toBeDefined();
  });

  it('gives the agent a short apology when a turn fails, and logs its code without the text', async () => {
    await h.service.store.close();
    await h.post(message(h, 'my card was charged twice, secret-words-xyz'));
    const [apology] = await h.connector.waitFor((c) => c.kind === 'reply');
    expect(String(apology!.body.text)).toContain('Sorry');
    expect(String(apology!.body.text)).not.toMatch(/at .*\.ts/);
    expect(h.logs.some((l) => /teams turn (failed|error)/.test(l) && l.includes('"code"'))).toBe(true);
    expect(h.logs.join('\n')).not.toContain('secret-words-xyz');
  });
});

describe('Teams: authentication', () => {
  it('without MicrosoftAppId, runs unauthenticated and says so loudly at start', async () => {
    const warning = h.logs.find((l) => l.includes('TEAMS ENDPOINT IS UNAUTHENTICATED'));
    expect(warning).toBeDefined();
    expect(JSON.parse(warning!)).toMatchObject({ level: 'warn' });
    expect((await h.post(message(h, 'hello'))).status).toBe(200);
  });

  it('with MicrosoftAppId set, refuses a request without a valid Bot Framework token (401)', async () => {
    const authed = await startTeamsHarness({
      MicrosoftAppId: '00000000-1111-2222-3333-444444444444',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppTenantId: TENANT,
    });
    try {
      const r = await authed.post(message(authed, 'hello'));
      expect(r.status).toBe(401);
      const forged = await authed.post(message(authed, 'hello'), { authorization: 'Bearer not.a.jwt' });
      expect(forged.status).toBe(401);
      expect(authed.connector.calls).toHaveLength(0);
      expect(authed.logs.some((l) => l.includes('teams request refused'))).toBe(true);
      expect(await (await fetch(`${authed.base}/healthz`)).json()).toMatchObject({ teams: 'authenticated' });
    } finally {
      await authed.stop();
    }
  });
});

/**
 * Drills end to end on Slack: the real service and Bolt app, signed slash commands and thread
 * events in, customer lines and scorecards out to the local Slack double.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nextTs, sendEvent, slashCommand, startHarness, type Harness } from './slack-harness.ts';
import { slackDrillId } from '../../src/slack/slack-drills.ts';

let h: Harness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await h?.stop();
  h = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type Posted = { channel: string; thread_ts?: string; ts?: string; text: string; blocks?: unknown[]; metadata?: { event_type: string; event_payload: Record<string, unknown> } };
const posted = (c: { body: Record<string, unknown> }) => c.body as unknown as Posted;
const inThread = (thread: string) => (c: { body: Record<string, unknown> }) => posted(c).thread_ts === thread;

/** Starts a drill by slash command and returns the thread (the opening's ts) and its drill id. */
async function startDrill(harness: Harness, args: string, user = 'U_AGENT', channel = 'C_TRAIN'): Promise<{ thread: string; drillId: string; opening: Posted }> {
  const before = harness.slack.of('chat.postMessage').length;
  const named = (c: { body: Record<string, unknown> }) => posted(c).metadata?.event_payload.drill_id !== 'pending';
  const updatesBefore = harness.slack.of('chat.update').filter(named).length;
  expect((await slashCommand(harness, `drill ${args}`, user, channel)).status).toBe(200);
  const calls = await harness.slack.waitFor('chat.postMessage', before + 1);
  const opening = posted(calls[before]!);
  // The double answers postMessage with a fresh ts; the update names the drill with it. Wait
  // for this drill's update, not an earlier drill's.
  const updates = await harness.slack.waitFor('chat.update', updatesBefore + 1, named);
  const ts = String(updates.at(-1)!.body.ts);
  const drillId = slackDrillId('T1', channel, ts);
  for (let i = 0; i < 100 && !(await harness.service.store.drills.get(drillId)); i++) await new Promise((r) => setTimeout(r, 10));
  return { thread: ts, drillId, opening };
}

async function reply(harness: Harness, thread: string, text: string, user = 'U_AGENT', channel = 'C_TRAIN'): Promise<Posted[]> {
  const before = harness.slack.of('chat.postMessage').filter(inThread(thread)).length;
  await sendEvent(harness, { type: 'message', user, text, channel, channel_type: 'channel', ts: nextTs(), thread_ts: thread });
  const calls = await harness.slack.waitFor('chat.postMessage', before + 1, inThread(thread));
  await new Promise((r) => setTimeout(r, 30));
  return harness.slack.of('chat.postMessage').filter(inThread(thread)).slice(before).map(posted);
}

const moodOf = (p: Posted) => String(p.metadata?.event_payload.mood);

describe('Slack drills', () => {
  it('plays a drill in a thread: the mood moves with good and bad replies, and the scorecard arrives with its metadata', async () => {
    h = await startHarness();
    const { thread, drillId, opening } = await startDrill(h, 'late-delivery normal');
    expect(opening.channel).toBe('C_TRAIN');
    expect(opening.thread_ts).toBeUndefined();
    expect(opening.metadata).toMatchObject({ event_type: 'defuse_drill', event_payload: { scenario: 'late-delivery', turn: 0, mood: 'angry' } });
    expect(JSON.stringify(opening.blocks)).toContain('Order 58213');

    const bad = await reply(h, thread, 'Calm down, it is just a scooter.');
    expect(bad[0]!.metadata).toMatchObject({ event_type: 'defuse_drill', event_payload: { drill_id: drillId, scenario: 'late-delivery', turn: 1 } });
    expect(moodOf(bad[0]!)).toBe('furious');

    const good = await reply(h, thread, "You're right, I'm so sorry. A missed birthday present is awful and you shouldn't have had to chase us.");
    expect(['angry', 'upset', 'calm']).toContain(moodOf(good[0]!));
    await reply(h, thread, 'Could you tell me what happened with the order?');
    await reply(h, thread, 'What would make this right for you?');
    await reply(h, thread, 'I can send a replacement scooter by express today so it arrives tomorrow, at no cost to you.');
    await reply(h, thread, 'It will be with you by 6pm Friday and I will email the tracking. Does that work for you?');
    const last = await reply(h, thread, 'Thank you for your patience. Is there anything else I can help with?');
    const score = last.find((p) => p.metadata?.event_type === 'defuse_drill_score')!;
    expect(score).toBeDefined();
    expect(score.metadata!.event_payload).toMatchObject({ drill_id: drillId });
    expect(Number(score.metadata!.event_payload.score)).toBeGreaterThan(50);
    const skills = score.metadata!.event_payload.skills as Record<string, number>;
    expect(Object.keys(skills).sort()).toEqual(['apology', 'closing', 'confirmation', 'diagnosis', 'empathy', 'listening', 'objectivity', 'professionalism', 'resolution']);
    expect(skills.professionalism).toBeLessThan(100);
    expect(JSON.stringify(score.blocks)).toContain('Weakest reply');
    expect((await h.service.store.drills.get(drillId))!.status).toBe('finished');
    const cards = await h.service.store.drills.scorecards('slack:U_AGENT', 5);
    expect(cards).toHaveLength(1);
    // The logs say a drill ran, never what anyone wrote.
    expect(h.logs.join('\n')).not.toContain('scooter');
  });

  it('runs two drills in two threads at once, answers only their owners, and stops on request', async () => {
    h = await startHarness();
    const a = await startDrill(h, 'double-charge', 'U_ONE');
    const b = await startDrill(h, 'cancelled-flight hard', 'U_TWO');
    expect(a.thread).not.toBe(b.thread);
    const ra = await reply(h, a.thread, "I'm so sorry, that sounds really stressful.", 'U_ONE');
    const rb = await reply(h, b.thread, "I'm so sorry, that sounds really stressful.", 'U_TWO');
    expect(ra[0]!.metadata!.event_payload).toMatchObject({ drill_id: a.drillId, scenario: 'double-charge', turn: 1 });
    expect(rb[0]!.metadata!.event_payload).toMatchObject({ drill_id: b.drillId, scenario: 'cancelled-flight', turn: 1 });

    // A colleague in the thread is a spectator: told privately, the drill does not move.
    await sendEvent(h, { type: 'message', user: 'U_TWO', text: 'Let me refund you now.', channel: 'C_TRAIN', channel_type: 'channel', ts: nextTs(), thread_ts: a.thread });
    const note = await h.slack.waitFor('chat.postEphemeral');
    expect(note[0]!.body).toMatchObject({ user: 'U_TWO', thread_ts: a.thread });
    expect(((await h.service.store.drills.get(a.drillId))!.state as { drill: { turn: number } }).drill.turn).toBe(1);

    // A thread that is not a drill stays unread.
    await sendEvent(h, { type: 'message', user: 'U_ONE', text: 'lunch?', channel: 'C_TRAIN', channel_type: 'channel', ts: nextTs(), thread_ts: nextTs() });

    await slashCommand(h, 'drill stop', 'U_ONE', 'C_TRAIN');
    await h.slack.waitFor('chat.postMessage', 1, (c) => inThread(a.thread)(c) && posted(c).text.includes('Drill stopped'));
    const stopped = await h.service.store.drills.get(a.drillId);
    expect(stopped!.status).toBe('abandoned');
    expect((await h.service.store.drills.get(b.drillId))!.status).toBe('active');
    const responses = await h.slack.waitFor('response_url', 1);
    expect(responses.map((c) => String(c.body.text)).join('\n')).toContain('No score was recorded');
    expect(await h.service.store.drills.scorecards('slack:U_ONE', 5)).toEqual([]);
  });

  it('takes a reply sent the moment the opening appears, before Slack has answered the update naming the drill', async () => {
    h = await startHarness();
    // Every Web API answer comes late: the opening is on screen (the update is under way)
    // well before the service hears back from Slack.
    h.slack.delayMs = 400;
    expect((await slashCommand(h, 'drill late-delivery normal', 'U_AGENT', 'C_TRAIN')).status).toBe(200);
    const [update] = await h.slack.waitFor('chat.update', 1, (c) => posted(c).metadata?.event_payload.drill_id !== 'pending');
    const thread = String(update!.body.ts);
    await sendEvent(h, { type: 'message', user: 'U_AGENT', text: 'Calm down, it is just a scooter.', channel: 'C_TRAIN', channel_type: 'channel', ts: nextTs(), thread_ts: thread });
    const [line] = await h.slack.waitFor('chat.postMessage', 1, inThread(thread));
    expect(posted(line!).metadata).toMatchObject({ event_type: 'defuse_drill', event_payload: { drill_id: slackDrillId('T1', 'C_TRAIN', thread), turn: 1 } });
  });

  it('keeps a drill across a restart of the service', async () => {
    const data = mkdtempSync(join(tmpdir(), 'defuse-drill-restart-'));
    dirs.push(data);
    h = await startHarness({ DATA_DIR: data });
    const { thread, drillId } = await startDrill(h, 'medical-bill');
    await reply(h, thread, "I'm so sorry, that must be really frightening.");
    await h.stop();
    h = await startHarness({ DATA_DIR: data });
    const next = await reply(h, thread, 'Could you tell me when you received the bill?');
    expect(next[0]!.metadata!.event_payload).toMatchObject({ drill_id: drillId, turn: 2 });
  });

  it('lists scenarios, explains an unknown one, keeps stats private and shows the leaderboard only to those who join', async () => {
    h = await startHarness();
    await slashCommand(h, 'drill list');
    await slashCommand(h, 'drill no-such-thing');
    const r = await h.slack.waitFor('response_url', 2);
    expect(String(r[0]!.body.text)).toContain('late-delivery');
    expect(String(r[1]!.body.text)).toMatch(/There is no drill scenario "no-such-thing"/);

    const { thread } = await startDrill(h, 'late-delivery easy');
    for (const line of ["You're right, I'm so sorry, that's awful.", 'What happened with the order?', 'What would make this right for you?', 'I can send a replacement scooter by express today so it arrives tomorrow, at no cost to you.', 'It arrives by 6pm Friday. Does that work for you?', 'Thank you for your patience, is there anything else I can help with?']) {
      const out = await reply(h, thread, line);
      if (out.some((p) => p.metadata?.event_type === 'defuse_drill_score')) break;
    }
    await slashCommand(h, 'drill stats');
    await slashCommand(h, 'drill leaderboard');
    const texts = (await h.slack.waitFor('response_url', 4)).map((c) => String(c.body.text));
    expect(texts[2]).toMatch(/Your drills: 1/);
    expect(texts[3]).toMatch(/Nobody has joined yet/);
    expect(texts[3]).toMatch(/You are not on it/);
    await slashCommand(h, 'drill leaderboard join');
    const joined = (await h.slack.waitFor('response_url', 5)).map((c) => String(c.body.text))[4]!;
    expect(joined).toContain('<@U_AGENT>');
    expect(joined).toMatch(/You are on it/);
  });
});

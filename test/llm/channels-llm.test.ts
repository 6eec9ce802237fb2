/**
 * The LLM mode in the channels: the offline advice goes out at once, and the model's tailored
 * advice replaces it in place (Slack chat.update, Teams updateActivity) when it arrives; a
 * drill's customer speaks in the model's words. The real service, Bolt app, CloudAdapter and
 * openai SDK, against the local Slack, connector and OpenAI-compatible doubles.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOT, nextTs, sendEvent, startHarness, type Harness } from '../slack/slack-harness.ts';
import { completion, offlineReadingOf, OpenAiDouble } from './openai-double.ts';
import { textOf } from '../teams/connector-double.ts';
import { message, startTeamsHarness, type TeamsHarness } from '../teams/teams-harness.ts';

const WORDING = 'Writing three times about one double charge is too much, and I am taking it from here myself.';

describe('LLM mode in Slack', () => {
  let h: Harness;
  const model = new OpenAiDouble();
  beforeEach(async () => {
    await model.start();
    h = await startHarness({ OPENAI_BASE_URL: model.url, OPENAI_MODEL: 'test-model', LLM_TIMEOUT_MS: '3000' });
  });
  afterEach(async () => {
    await h.stop();
    await model.stop();
  });

  it('posts the offline advice first and updates it in place with the tailored one', async () => {
    // The model agrees with the offline reading it was sent, and writes its own wording.
    model.respond = (body) => completion(JSON.stringify({ ...offlineReadingOf(body), wordings: [WORDING] }));
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: third time writing about the double charge, nobody reads my emails`, ts: nextTs(), channel: 'C_SUPPORT' });
    const [posted] = await h.slack.waitFor('chat.postMessage');
    expect((posted!.body as { metadata: { event_payload: { source: string } } }).metadata.event_payload.source).toBe('offline');
    const [update] = await h.slack.waitFor('chat.update');
    const u = update!.body as { channel: string; ts: string; blocks: unknown; metadata: { event_payload: { source: string } } };
    expect(u.channel).toBe('C_SUPPORT');
    expect(u.metadata.event_payload.source).toBe('both');
    expect(JSON.stringify(u.blocks)).toContain('taking it from here myself');
    // Logged with outcome and tokens, never with the case's words.
    const line = h.logs.find((l) => l.includes('"llm call"'))!;
    expect(line).toContain('"outcome":"ok"');
    expect(line).not.toContain('double charge');
  });

  it('leaves the offline advice as it is when the model fails', async () => {
    model.respond = undefined;
    model.fallback = completion('not json at all');
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: where is my parcel, it is a week late`, ts: nextTs(), channel: 'C_SUPPORT' });
    await h.slack.waitFor('chat.postMessage');
    await expect.poll(() => h.logs.filter((l) => l.includes('llm call')).join('\n'), { timeout: 4000 }).toContain('"outcome":"malformed"');
    expect(h.slack.of('chat.update')).toHaveLength(0);
  });
});

describe('LLM mode in Teams', () => {
  let t: TeamsHarness;
  const model = new OpenAiDouble();
  beforeEach(async () => {
    await model.start();
    t = await startTeamsHarness({ OPENAI_BASE_URL: model.url, OPENAI_MODEL: 'test-model', LLM_TIMEOUT_MS: '3000' });
  });
  afterEach(async () => {
    await t.stop();
    await model.stop();
  });

  it('replies with the offline card first and replaces it in place (updateActivity) with the tailored one', async () => {
    model.respond = (body) => completion(JSON.stringify({ ...offlineReadingOf(body), wordings: [WORDING] }));
    const activity = message(t, 'Third time writing about the double charge, nobody reads my emails');
    expect((await t.post(activity)).status).toBe(200);
    const [reply] = await t.connector.waitFor((c) => c.kind === 'reply');
    expect((reply!.body.value as { advice: { source: string } }).advice.source).toBe('offline');
    const [update] = await t.connector.waitFor((c) => c.kind === 'update');
    expect(update!.conversationId).toBe(reply!.conversationId);
    // The update names the activity id the connector gave the first reply.
    expect(update!.activityId).toBe(reply!.returnedId);
    expect((update!.body.value as { advice: { source: string } }).advice.source).toBe('both');
    expect(JSON.stringify(update!.body.attachments)).toContain('taking it from here myself');
  });

  it('plays a drill with the customer in the model\'s words, and counts every call at /metrics without text', async () => {
    const opening = "Two weeks I've waited for my son's birthday scooter and the tracking hasn't budged in nine days.";
    model.queue.push(completion(JSON.stringify({ line: opening })));
    expect((await t.post(message(t, 'drill late-delivery'))).status).toBe(200);
    const [first] = await t.connector.waitFor((c) => c.kind === 'reply');
    expect(textOf(first!)).toContain(opening);
    model.queue.push(completion(JSON.stringify({ line: 'As an AI I would say the parcel is late.' })));
    expect((await t.post(message(t, 'I am so sorry, that sounds really stressful with the birthday so close.'))).status).toBe(200);
    const [, second] = await t.connector.waitFor((c) => c.kind === 'reply', 2);
    expect(textOf(second!)).not.toContain('As an AI');

    const metrics = await (await fetch(`${t.base}/metrics`)).text();
    expect(metrics).toContain('defuse_llm_calls_total{kind="drill_voice",outcome="ok"} 2');
    expect(metrics).toContain('defuse_llm_fallbacks_total{kind="drill_voice",reason="check_out_of_character"} 1');
    expect(metrics).toContain('defuse_llm_tokens_total{kind="drill_voice",type="prompt"} 1800');
    expect(metrics).toMatch(/defuse_llm_call_seconds_count\{kind="drill_voice"\} 2/);
    expect(metrics).not.toContain('scooter');
    expect(metrics).not.toContain('29:agent');
  });
});

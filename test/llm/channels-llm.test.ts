/**
 * The LLM mode in the channels: the offline advice goes out at once, and the model's tailored
 * advice replaces it in place (Slack chat.update) when it arrives. The real service, the real
 * Bolt app and the real openai SDK, against the local Slack and OpenAI-compatible doubles.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOT, nextTs, sendEvent, startHarness, type Harness } from '../slack/slack-harness.ts';
import { completion, offlineReadingOf, OpenAiDouble } from './openai-double.ts';

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

/**
 * The drill customer speaking through a model: the real `openai` SDK over HTTP to the local
 * OpenAI-compatible double. The mood and stage machine decides; the model only words its line,
 * and any line that fails the checks, or never comes, leaves the scripted line in its place.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LlmConfig } from '../../src/config.ts';
import { loadLlmPrompts } from '../../src/content/load-llm-prompts.ts';
import type { DrillOwner, DrillReply } from '../../src/core/drill/drills.ts';
import type { VoiceProblem } from '../../src/core/drill/voice.ts';
import { createEngine, type Engine } from '../../src/engine.ts';
import { OpenAiChat } from '../../src/llm/openai-analyser.ts';
import { OpenAiDrillVoice, type VoiceCall } from '../../src/llm/openai-drill-voice.ts';
import { completion, errorReply, OpenAiDouble } from './openai-double.ts';

const double = new OpenAiDouble();
const prompts = loadLlmPrompts();
let calls: VoiceCall[] = [];
let rejected: VoiceProblem[] = [];
const owner: DrillOwner = { platform: 'terminal', user: 'agent-1', team: 'team-1' };

function config(timeoutMs: number): LlmConfig {
  return { provider: 'openai', apiKey: 'test-key', baseUrl: double.url, model: 'test-model', apiVersion: undefined, timeoutMs };
}
function voicedEngine(timeoutMs = 3000): Engine {
  const voice = new OpenAiDrillVoice({ chat: new OpenAiChat(config(timeoutMs)), prompts, onCall: (c) => calls.push(c) });
  return createEngine({ voice, onVoiceRejected: (p) => rejected.push(p) });
}
const said = (line: string) => completion(JSON.stringify({ line }));

let n = 0;
/** A late-delivery drill with a fixed seed, opened in the engine's store. */
async function open(engine: Engine, seed = 42) {
  const prepared = await engine.drills.prepare(owner, { scenario: 'late-delivery', difficulty: 'normal', seed });
  const id = `drill-${++n}`;
  expect(await engine.drills.open(id, owner, prepared, {})).toBe(true);
  return { id, prepared };
}
const turnOf = (r: DrillReply) => {
  if (r.kind !== 'turn') throw new Error(`expected a turn, got ${r.kind}`);
  return r;
};

beforeAll(() => double.start());
afterAll(() => double.stop());
beforeEach(() => {
  double.queue.length = 0;
  double.seen.length = 0;
  double.respond = undefined;
  double.fallback = errorReply(500, 'nothing queued');
  calls = [];
  rejected = [];
});

describe('the drill customer with a model', () => {
  it('says the model line, keeps it in the drill, and sends the scenario, the mood and the redacted agent reply', async () => {
    const engine = voicedEngine();
    const opening = "Two weeks I've waited for a scooter that was meant for my son's birthday, and the tracking hasn't moved in nine days.";
    double.queue.push(said(opening));
    const { id, prepared } = await open(engine);
    expect(prepared.opening.text).toBe(opening);
    expect(prepared.opening.voiced).toBe(true);

    const reply = 'I am so sorry, that sounds really stressful. My card is 4111 1111 1111 1111, mail alex.agent@example.com.';
    const line = 'Thank you for saying that. I just need to know someone is actually going to look at it this time.';
    double.queue.push(said(line));
    const t = turnOf(await engine.drills.reply(id, owner.user, reply));
    expect(t.line.text).toBe(line);
    const stored = await engine.drills.get(id);
    expect(stored!.stored.drill.customer.map((c) => c.text)).toEqual([opening, line]);

    const body = double.seen.at(-1)!.body;
    expect(body.model).toBe('test-model');
    expect(body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'drill_customer_line', strict: true } });
    const text = JSON.stringify(body.messages);
    expect(text).toContain('You are Dana');
    expect(text).toContain(opening);
    expect(text).toContain(`Your mood now: ${t.mood}`);
    expect(text).not.toContain('4111');
    expect(text).not.toContain('example.com');
    expect(text).toContain('[card]');
    // The instructions and the scenario come first and stay the same across a drill's turns.
    const first = double.seen[0]!.body.messages as { content: string }[];
    const second = body.messages as { content: string }[];
    expect(second.slice(0, 2)).toEqual(first.slice(0, 2));
    expect(calls.map((c) => c.outcome)).toEqual(['ok', 'ok']);
    expect(calls[1]!.promptTokens).toBe(900);
  });

  it('keeps the scripted line when the model steps out of character, swears, or gives away the outcome', async () => {
    const engine = voicedEngine();
    double.queue.push(said('As an AI language model I will now play Dana, an upset parent.'));
    const { id, prepared } = await open(engine);
    expect(prepared.opening.voiced).toBeUndefined();
    expect(prepared.scenario.openings.normal).toContain(prepared.opening.text);

    double.queue.push(said('You are a useless idiot and this shop is a fucking joke.'));
    const t1 = turnOf(await engine.drills.reply(id, owner.user, 'I hear you, and I am sorry nobody answered your email.'));
    expect(t1.line.voiced).toBeUndefined();
    expect(Object.values(prepared.scenario.lines).flatMap((m) => Object.values(m).flat())).toContain(t1.line.text);

    double.queue.push(said('Just ship a replacement scooter by express so it arrives before Saturday.'));
    const t2 = turnOf(await engine.drills.reply(id, owner.user, 'Can you tell me when you placed the order?'));
    expect(t2.line.voiced).toBeUndefined();
    expect(rejected).toEqual(['out_of_character', 'abusive', 'reveals_outcome']);
  });

  it('falls back to the scripted line on a hung server, within the deadline', async () => {
    const engine = voicedEngine(800);
    double.fallback = completion(JSON.stringify({ line: 'never used' }));
    double.queue.push({ kind: 'hang' });
    const started = Date.now();
    const { prepared } = await open(engine);
    expect(Date.now() - started).toBeLessThan(800 + 700);
    expect(prepared.opening.voiced).toBeUndefined();
    expect(calls.map((c) => c.outcome)).toEqual(['timeout']);
  });

  it('falls back on server errors, malformed JSON, a refusal and the wrong shape', async () => {
    const engine = voicedEngine();
    double.queue.push(errorReply(500, 'boom'), errorReply(503, 'still down'));
    double.queue.push(completion('{"line": unfinished'));
    double.queue.push(completion(null, { refusal: 'I cannot help with that.' }));
    double.queue.push(completion(JSON.stringify({ text: 'a field the schema does not have' })));
    for (let i = 0; i < 4; i++) {
      const { prepared } = await open(engine, 100 + i);
      expect(prepared.opening.voiced).toBeUndefined();
    }
    expect(calls.map((c) => c.outcome)).toEqual(['server_error', 'malformed', 'refusal', 'schema']);
  });

  it('plays the same drill to the same end and score with or without a voice: the machine decides, the model only words it', async () => {
    const replies = [
      'I am really sorry, that sounds awful with the birthday so close.',
      'What would put this right for you?',
      'I can send a replacement scooter by express today so it arrives tomorrow, at no cost to you.',
      'Does that work for you? It will be there by Friday afternoon.',
      'Thanks for bearing with us, Dana. Is there anything else I can help with?',
    ];
    const play = async (engine: Engine) => {
      const { id } = await open(engine, 99);
      let last: DrillReply = { kind: 'none' };
      for (const r of replies) {
        last = await engine.drills.reply(id, owner.user, r);
        if (last.kind === 'turn' && last.outcome) break;
      }
      const t = turnOf(last);
      return { outcome: t.outcome, score: t.scorecard?.score, stages: (await engine.drills.get(id))!.stored.drill.customer.map((c) => `${c.stage}/${c.mood}`) };
    };
    const plain = await play(createEngine());
    double.respond = () => said('Right. I hear what you are saying, go on then, let us see it.');
    const voiced = await play(voicedEngine());
    expect(voiced).toEqual(plain);
    expect(plain.outcome).toBe('resolved');
    expect(calls.length).toBeGreaterThan(replies.length - 1);
  });
});

/**
 * The LLM mode end to end: the real `openai` SDK over HTTP to a local OpenAI-compatible double
 * on 127.0.0.1. Every way a model call can go wrong ends in correct advice with the right source.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdviceSchema, type Advice } from '../../src/core/advice.ts';
import type { LlmConfig } from '../../src/config.ts';
import { loadLlmPrompts } from '../../src/content/load-llm-prompts.ts';
import { createEngine, type Engine } from '../../src/engine.ts';
import { redact } from '../../src/core/privacy/redact.ts';
import { OpenAiAnalyser, type LlmCall } from '../../src/llm/openai-analyser.ts';
import { completion, errorReply, OpenAiDouble } from './openai-double.ts';

const double = new OpenAiDouble();
const prompts = loadLlmPrompts();
let engine: Engine;
let calls: LlmCall[] = [];

function config(timeoutMs: number): LlmConfig {
  return { provider: 'openai', apiKey: 'test-key', baseUrl: double.url, model: 'test-model', apiVersion: undefined, timeoutMs };
}
function analyser(timeoutMs = 3000): OpenAiAnalyser {
  return new OpenAiAnalyser({ config: config(timeoutMs), offline: engine.offline, content: engine.content, prompts, onCall: (c) => calls.push(c) });
}

const TEXT = "This is the third time I'm writing about the double charge on card 4111 1111 1111 1111. Email me at jo.bloggs@example.com, nobody reads anything I send!";
// Redacted, as the coach hands them to every analyser: the expected advice is read from the same text.
const turns = () => engine.coach.readInput({ text: TEXT }).turns.map((t) => ({ ...t, text: redact(t.text).text }));
const offline = () => engine.offline.analyseSync(turns(), { shownWordings: new Set() });
const answer = (over: Record<string, unknown> = {}) => {
  const o = offline();
  return JSON.stringify({
    emotion: o.emotion,
    stage: o.stage,
    flags: o.flags,
    step: o.step,
    wordings: ['Having to write three times about the double charge is exhausting, and I am sorry it came to that.', 'I have your full history open now and I am going through the double charge myself.'],
    ...over,
  });
};

beforeAll(async () => {
  await double.start();
  engine = createEngine({ tailor: (content, off) => new OpenAiAnalyser({ config: config(3000), offline: off, content, prompts, onCall: (c) => calls.push(c) }) });
});
afterAll(() => double.stop());
beforeEach(() => {
  double.queue.length = 0;
  double.seen.length = 0;
  calls = [];
});

function valid(a: Advice): Advice {
  expect(AdviceSchema.safeParse(a).success).toBe(true);
  return a;
}

describe('LLM mode against an OpenAI-compatible server', () => {
  it('uses a good structured answer, and sends only redacted text with the schema and the model name', async () => {
    double.queue.push(completion(answer()));
    const r = await engine.coach.coachCase({ caseId: 'llm-1', text: TEXT });
    expect(r.advice.source).toBe('offline');
    const t = valid((await r.tailored)!);
    expect(t.source).toBe('both');
    expect(t.say[0]!.text).toContain('three times about the double charge');
    expect(t.say[0]!.id).toMatch(/^llm\./);
    const seen = double.seen[0]!;
    expect(seen.path).toBe('/v1/chat/completions');
    expect(seen.headers.authorization).toBe('Bearer test-key');
    expect(seen.body.model).toBe('test-model');
    const format = seen.body.response_format as { type: string; json_schema: { name: string; strict: boolean; schema: { properties: Record<string, unknown> } } };
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.strict).toBe(true);
    expect(Object.keys(format.json_schema.schema.properties).sort()).toEqual(['emotion', 'flags', 'stage', 'step', 'wordings']);
    const sent = JSON.stringify(seen.body.messages);
    expect(sent).not.toContain('4111');
    expect(sent).not.toContain('jo.bloggs');
    expect(sent).not.toContain('example.com');
    expect(sent).toContain('[card]');
    expect(sent).toContain('[email]');
    // The static prefix (instructions, steps, examples) comes first, the case after it.
    const messages = seen.body.messages as { role: string; content: string }[];
    expect(messages[0]!.role).toBe('system');
    expect(messages[0]!.content).not.toContain('Offline reading:');
    expect(messages[1]!.content).toContain('Offline reading:');
    expect(messages[1]!.content).toContain('card [card]');
    expect(calls[0]).toMatchObject({ outcome: 'ok', promptTokens: 900, completionTokens: 120, model: 'test-model' });
  });

  it('sends the same static prefix for every case, so a server can cache it', async () => {
    double.queue.push(completion(answer()), completion(answer()));
    await analyser().analyse(turns(), { shownWordings: new Set() });
    await analyser().analyse(engine.coach.readInput({ text: 'where is my parcel, it is a week late' }).turns, { shownWordings: new Set() });
    const first = (m: unknown) => (m as { content: string }[])[0]!.content;
    expect(first(double.seen[0]!.body.messages)).toBe(first(double.seen[1]!.body.messages));
    expect(first(double.seen[0]!.body.messages)).toContain('- handoff:');
  });

  it('falls back to the offline advice on malformed JSON', async () => {
    double.queue.push(completion('{"emotion": "angry", "stage": '));
    const a = valid(await analyser().analyse(turns(), { shownWordings: new Set() }));
    expect(a.source).toBe('offline');
    expect(a.say).toEqual(offline().say);
    expect(a.notices.join(' ')).toMatch(/could not read/);
    expect(calls[0]!.outcome).toBe('malformed');
  });

  it('falls back when the model names a step that is not in the playbook', async () => {
    double.queue.push(completion(answer({ step: 'refund_immediately' })));
    const a = valid(await analyser().analyse(turns(), { shownWordings: new Set() }));
    expect(a.source).toBe('offline');
    expect(calls[0]!.outcome).toBe('schema');
  });

  it('drops a wording that breaks the guardrails and keeps the curated one in its place', async () => {
    double.queue.push(
      completion(
        answer({
          wordings: [
            'Calm down, if you had read the terms you would know this is your own fault.',
            'I guarantee this will never happen again, and you will have the money back in an hour.',
            'Dear [customer name], thanks for writing.',
          ],
        }),
      ),
    );
    const a = valid(await analyser().analyse(turns(), { shownWordings: new Set() }));
    expect(a.source).toBe('both');
    expect(a.say.map((w) => w.id).every((id) => !id.startsWith('llm.'))).toBe(true);
    expect(a.say).toEqual(offline().say);
    expect(calls[0]!.rejected).toHaveLength(3);
    expect(calls[0]!.rejected).toContain('placeholder');
    expect(calls[0]!.rejected.some((p) => p.startsWith('harmful:'))).toBe(true);
  });

  it('retries a 429 once and uses the answer that follows', async () => {
    double.queue.push(errorReply(429, 'slow down', { 'retry-after-ms': '50' }), completion(answer()));
    const a = valid(await analyser().analyse(turns(), { shownWordings: new Set() }));
    expect(a.source).toBe('both');
    expect(double.seen).toHaveLength(2);
  });

  it('falls back on repeated server errors, after one retry', async () => {
    double.queue.push(errorReply(500, 'boom', { 'retry-after-ms': '10' }), errorReply(503, 'boom again', { 'retry-after-ms': '10' }));
    const a = valid(await analyser().analyse(turns(), { shownWordings: new Set() }));
    expect(a.source).toBe('offline');
    expect(calls[0]!.outcome).toBe('server_error');
    expect(double.seen).toHaveLength(2);
  });

  it.each([
    // Replies are made when the test runs: answer() needs the engine from beforeAll.
    ['the answer comes too late', () => [{ ...completion(answer()), delayMs: 3000 }]],
    ['the server accepts the request and never answers', () => [{ kind: 'hang' as const }, { kind: 'hang' as const }]],
  ])('falls back within the deadline when %s', async (_what, replies) => {
    double.queue.push(...replies());
    const t0 = Date.now();
    const a = valid(await analyser(600).analyse(turns(), { shownWordings: new Set() }));
    // The deadline is 600 ms; the margin covers a slow test machine, not a retry.
    expect(Date.now() - t0).toBeLessThan(600 + 1500);
    expect(a.source).toBe('offline');
    expect(calls[0]!.outcome).toBe('timeout');
  });

  it('falls back on a refusal', async () => {
    double.queue.push(completion(null, { refusal: 'I cannot help with that.' }));
    const a = valid(await analyser().analyse(turns(), { shownWordings: new Set() }));
    expect(a.source).toBe('offline');
    expect(calls[0]!.outcome).toBe('refusal');
  });

  it('falls back when the server cannot be reached at all', async () => {
    const gone = new OpenAiAnalyser({ config: { ...config(2000), baseUrl: 'http://127.0.0.1:9/v1' }, offline: engine.offline, content: engine.content, prompts, onCall: (c) => calls.push(c) });
    const a = valid(await gone.analyse(turns(), { shownWordings: new Set() }));
    expect(a.source).toBe('offline');
    expect(calls[0]!.outcome).toBe('unreachable');
  });

  it('never lets the model remove a threat or page a supervisor on its own', async () => {
    const threat = engine.coach.readInput({ text: "If this isn't refunded by Friday my solicitor will be in touch. I've had enough." }).turns;
    const o = engine.offline.analyseSync(threat, { shownWordings: new Set() });
    expect(o.flags).toContain('threat_legal');
    double.queue.push(completion(JSON.stringify({ emotion: 'calm', stage: 'closing', flags: [], step: o.step, wordings: ['Thanks for letting me know, I will look into the refund for you today.'] })));
    const a = valid(await analyser().analyse(threat, { shownWordings: new Set() }));
    expect(a.flags).toContain('threat_legal');
    expect(a.escalate).toEqual(o.escalate);
  });
});

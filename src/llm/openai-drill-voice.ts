/**
 * The drill customer's voice through the model: the prompt from prompts/llm/drill-customer.md
 * and the scenario, and a one-field JSON answer. Whatever goes wrong (timeout, refusal, an
 * answer that is not the schema) gives no line, and the scripted one is said; the core's
 * Drills service checks any line it gets before the agent sees it.
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { scenarioBrief, voiceTurn, type VoiceRequest } from '../core/drill/voice.ts';
import type { LlmPrompts } from '../core/llm/prompt.ts';
import type { CustomerVoice } from '../core/ports/customer-voice.ts';
import { redact } from '../core/privacy/redact.ts';
import type { LlmOutcome, OpenAiChat, Usage } from './openai-analyser.ts';

const VoiceAnswer = z.strictObject({ line: z.string() });
const VOICE_JSON_SCHEMA = z.toJSONSchema(VoiceAnswer, { target: 'draft-7' }) as Record<string, unknown>;

/** One voiced line, as logged and counted: never its text. */
export interface VoiceCall {
  outcome: LlmOutcome | 'schema';
  ms: number;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
}

export class OpenAiDrillVoice implements CustomerVoice {
  private readonly chat: OpenAiChat;
  private readonly system: string;
  private readonly onCall: (c: VoiceCall) => void;

  constructor(deps: { chat: OpenAiChat; prompts: LlmPrompts; onCall?: (c: VoiceCall) => void }) {
    this.chat = deps.chat;
    this.system = deps.prompts.drillCustomer.system;
    this.onCall = deps.onCall ?? (() => undefined);
  }

  async speak(req: VoiceRequest): Promise<string | undefined> {
    const started = performance.now();
    const report = (outcome: VoiceCall['outcome'], usage: Usage | undefined, line?: string) => {
      this.onCall({ outcome, ms: performance.now() - started, promptTokens: usage?.prompt_tokens, completionTokens: usage?.completion_tokens });
      return line;
    };
    // The core redacted the agent's replies already; the scripted and scenario lines are ours.
    const transcript = req.transcript.map((t) => ({ ...t, text: redact(t.text).text }));
    const answer = await this.chat.json({
      // Instructions first and the scenario next: both repeat on every turn of a drill, so a
      // server that caches prompt prefixes reuses them.
      messages: [
        { role: 'system', content: this.system },
        { role: 'system', content: scenarioBrief(req.scenario) },
        { role: 'user', content: voiceTurn({ ...req, transcript }) },
      ],
      schemaName: 'drill_customer_line',
      schema: VOICE_JSON_SCHEMA,
      // Some variety between drills of one scenario is the point of a voice.
      temperature: 0.8,
      maxTokens: 200,
    });
    if (answer.outcome !== 'ok') return report(answer.outcome, answer.usage);
    const parsed = VoiceAnswer.safeParse(answer.json);
    if (!parsed.success) return report('schema', answer.usage);
    // Models like to quote the line they were asked to write.
    return report('ok', answer.usage, parsed.data.line.trim().replace(/^["“](.*)["”]$/s, '$1'));
  }
}

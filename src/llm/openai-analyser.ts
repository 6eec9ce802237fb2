/**
 * The LLM analyser, and the one model client every LLM feature shares (OpenAiChat): the only
 * file that imports `openai`. The analyser reads the case offline first,
 * asks the model for its reading and wordings through structured outputs (chat completions,
 * which OpenAI, Azure OpenAI, vLLM and Ollama all serve), and merges the answer through the
 * core's policy and guardrails. Any failure gives back the offline advice, marked as such.
 */
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError, AzureOpenAI } from 'openai';
import { performance } from 'node:perf_hooks';
import type { LlmConfig } from '../config.ts';
import type { Advice } from '../core/advice.ts';
import type { Turn } from '../core/case.ts';
import type { Content } from '../core/content/schema.ts';
import { LLM_READING_JSON_SCHEMA, LlmReadingSchema } from '../core/llm/llm-reading.ts';
import { buildMessages, staticPrefix, type ChatMessage, type LlmPrompts } from '../core/llm/prompt.ts';
import { tailorAdvice } from '../core/llm/tailor.ts';
import type { WordingProblem } from '../core/llm/guardrails.ts';
import type { OfflineAnalyser } from '../core/offline-analyser.ts';
import type { AnalyseContext, Analyser } from '../core/ports/analyser.ts';
import { redact } from '../core/privacy/redact.ts';

export type LlmOutcome = 'ok' | 'timeout' | 'rate_limited' | 'server_error' | 'client_error' | 'unreachable' | 'malformed' | 'schema' | 'refusal' | 'empty';

/** One model call, as logged and counted: never any text of the case or of the answer. */
export interface LlmCall {
  outcome: LlmOutcome;
  ms: number;
  model: string;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  /** Wordings the guardrails dropped, by why. */
  rejected: WordingProblem[];
  source: Advice['source'];
}

const FALLBACK_NOTICE: Record<Exclude<LlmOutcome, 'ok'>, string> = {
  timeout: 'The model took too long; this is the offline reading.',
  rate_limited: 'The model is rate-limited right now; this is the offline reading.',
  server_error: 'The model server had an error; this is the offline reading.',
  client_error: 'The model refused the request (check the LLM configuration); this is the offline reading.',
  unreachable: 'The model server could not be reached; this is the offline reading.',
  malformed: 'The model answered in a form Defuse could not read; this is the offline reading.',
  schema: 'The model answered outside the playbook; this is the offline reading.',
  refusal: 'The model declined this case; this is the offline reading.',
  empty: 'The model gave no answer; this is the offline reading.',
};

/**
 * The SDK retries 429s and 5xx on its own; one retry fits inside the deadline, more would only
 * be cut off by it.
 */
const MAX_RETRIES = 1;

export function createOpenAiClient(config: LlmConfig): OpenAI {
  const common = { apiKey: config.apiKey, maxRetries: MAX_RETRIES, timeout: config.timeoutMs };
  return config.provider === 'azure'
    ? new AzureOpenAI({ ...common, endpoint: config.baseUrl!, apiVersion: config.apiVersion!, deployment: config.model })
    : new OpenAI({ ...common, ...(config.baseUrl ? { baseURL: config.baseUrl } : {}) });
}

/** One structured-output call: the messages, and the JSON schema the answer must follow. */
export interface JsonRequest {
  messages: ChatMessage[];
  schemaName: string;
  schema: Record<string, unknown>;
  temperature: number;
  maxTokens: number;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
}

export type ChatResult = { outcome: 'ok'; json: unknown; usage: Usage | undefined } | { outcome: Exclude<LlmOutcome, 'ok'>; usage: Usage | undefined };

export function completionParams(model: string, r: JsonRequest): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
  return {
    model,
    messages: r.messages,
    response_format: { type: 'json_schema', json_schema: { name: r.schemaName, strict: true, schema: r.schema } },
    temperature: r.temperature,
    max_completion_tokens: r.maxTokens,
  };
}

/** The coaching request for a case. */
export function adviceRequest(prefix: string, turns: readonly Turn[], offline: Advice): JsonRequest {
  return { messages: buildMessages(prefix, turns, offline), schemaName: 'defuse_reading', schema: LLM_READING_JSON_SCHEMA, temperature: 0.4, maxTokens: 500 };
}

/** The chat completion request for a case: the analyser's, and the bench's bare-SDK baseline. */
export function chatRequest(model: string, prefix: string, turns: readonly Turn[], offline: Advice): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
  return completionParams(model, adviceRequest(prefix, turns, offline));
}

/**
 * A JSON answer from the model, or why there is none: every failure the SDK or the server can
 * produce ends up as an outcome, never as a throw. The coaching analyser and the drill
 * customer's voice both call the model through this.
 */
export class OpenAiChat {
  readonly model: string;
  private readonly client: OpenAI;
  private readonly timeoutMs: number;

  constructor(config: LlmConfig, client?: OpenAI) {
    this.model = config.model;
    this.timeoutMs = config.timeoutMs;
    this.client = client ?? createOpenAiClient(config);
  }

  async json(r: JsonRequest): Promise<ChatResult> {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(
        completionParams(this.model, r),
        // The deadline covers every attempt and every wait between them.
        { signal: AbortSignal.timeout(this.timeoutMs) },
      );
    } catch (err) {
      return { outcome: classify(err), usage: undefined };
    }
    const usage = completion.usage ?? undefined;
    const choice = completion.choices[0];
    if (!choice) return { outcome: 'empty', usage };
    if (choice.message.refusal) return { outcome: 'refusal', usage };
    const text = choice.message.content;
    if (!text) return { outcome: 'empty', usage };
    try {
      return { outcome: 'ok', json: JSON.parse(text), usage };
    } catch {
      return { outcome: 'malformed', usage };
    }
  }
}

export class OpenAiAnalyser implements Analyser {
  readonly name = 'llm';
  private readonly prefix: string;
  private readonly chat: OpenAiChat;
  private readonly config: LlmConfig;
  private readonly offline: OfflineAnalyser;
  private readonly onCall: (call: LlmCall) => void;

  constructor(deps: { config: LlmConfig; offline: OfflineAnalyser; content: Content; prompts: LlmPrompts; chat?: OpenAiChat; onCall?: (call: LlmCall) => void }) {
    this.config = deps.config;
    this.offline = deps.offline;
    this.chat = deps.chat ?? new OpenAiChat(deps.config);
    this.prefix = staticPrefix(deps.prompts, deps.content);
    this.onCall = deps.onCall ?? (() => undefined);
  }

  async analyse(turns: readonly Turn[], context: AnalyseContext): Promise<Advice> {
    // The coach redacts before any analyser sees the case; this is the second lock on the door.
    const safe = turns.map((t) => ({ ...t, text: redact(t.text).text }));
    const r = this.offline.read(safe);
    const offlineAdvice = this.offline.adviceFrom(r, context);
    const started = performance.now();
    const done = (outcome: LlmOutcome, advice: Advice, usage: Usage | undefined, rejected: WordingProblem[] = []) => {
      this.onCall({
        outcome,
        ms: performance.now() - started,
        model: this.config.model,
        promptTokens: usage?.prompt_tokens,
        completionTokens: usage?.completion_tokens,
        rejected,
        source: advice.source,
      });
      return advice;
    };
    const fallback = (outcome: Exclude<LlmOutcome, 'ok'>, usage: Usage | undefined) =>
      done(outcome, { ...offlineAdvice, source: 'offline', notices: [...offlineAdvice.notices, FALLBACK_NOTICE[outcome]] }, usage);

    const answer = await this.chat.json(adviceRequest(this.prefix, safe, offlineAdvice));
    if (answer.outcome !== 'ok') return fallback(answer.outcome, answer.usage);
    const parsed = LlmReadingSchema.safeParse(answer.json);
    if (!parsed.success) return fallback('schema', answer.usage);
    const t = tailorAdvice(this.offline, r, context, offlineAdvice, parsed.data);
    return done('ok', t.advice, answer.usage, t.rejected);
  }
}

function classify(err: unknown): Exclude<LlmOutcome, 'ok'> {
  if (err instanceof APIConnectionTimeoutError || err instanceof APIUserAbortError) return 'timeout';
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timeout';
  if (err instanceof APIError) {
    if (err.status === 429) return 'rate_limited';
    if (typeof err.status === 'number' && err.status >= 500) return 'server_error';
    if (typeof err.status === 'number') return 'client_error';
    return 'unreachable';
  }
  return 'unreachable';
}

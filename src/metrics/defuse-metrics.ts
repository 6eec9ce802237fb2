/**
 * Every metric the service exposes at GET /metrics, in one place so an operator can read the
 * list. Labels are closed sets only (channel, outcome, taxonomy ids): never text, never users.
 */
import { Counter, Gauge, Histogram, Registry } from './registry.ts';

/** Seconds: a coaching turn is a millisecond or two, a model call a second or more. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type LlmKind = 'advice' | 'drill_voice';

export function createMetrics() {
  const registry = new Registry();
  const started = Date.now();
  const m = {
    registry,
    llmCalls: registry.add(new Counter('defuse_llm_calls_total', 'Model calls, by what they were for and how they ended (ok, timeout, rate_limited, malformed, ...).', ['kind', 'outcome'] as const)),
    llmFallbacks: registry.add(new Counter('defuse_llm_fallbacks_total', 'Model calls whose answer was not used: the offline advice or the curated drill line stood instead.', ['kind', 'reason'] as const)),
    llmSeconds: registry.add(new Histogram('defuse_llm_call_seconds', 'Wall time of each model call, retries included.', ['kind'] as const, LATENCY_BUCKETS)),
    llmTokens: registry.add(new Counter('defuse_llm_tokens_total', 'Tokens the model server reported, prompt and completion.', ['kind', 'type'] as const)),
    llmRejectedWordings: registry.add(new Counter('defuse_llm_rejected_wordings_total', 'Model wordings the guardrails dropped before an agent saw them, by why.', ['why'] as const)),
    adviceSource: registry.add(new Counter('defuse_llm_advice_source_total', 'Tailored advice by which reading it rests on (llm, offline, both).', ['source'] as const)),
    uptime: registry.add(new Gauge('defuse_uptime_seconds', 'Seconds since the service started.', [], (set) => set({}, (Date.now() - started) / 1000))),
    memory: registry.add(
      new Gauge('defuse_process_memory_bytes', 'Resident set size and V8 heap in use.', ['type'] as const, (set) => {
        const u = process.memoryUsage();
        set({ type: 'rss' }, u.rss);
        set({ type: 'heap_used' }, u.heapUsed);
      }),
    ),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;

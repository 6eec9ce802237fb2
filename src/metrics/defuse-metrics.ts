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
    httpRequests: registry.add(new Counter('defuse_http_requests_total', 'HTTP requests by route (slack, teams, api, health, metrics, ...) and status code.', ['route', 'status'] as const)),
    httpSeconds: registry.add(new Histogram('defuse_http_request_seconds', 'Time from a request arriving to its response, by route. Slack is acknowledged before the work; its turn time is defuse_turn_seconds.', ['route'] as const, LATENCY_BUCKETS)),
    turnSeconds: registry.add(new Histogram('defuse_turn_seconds', 'Time to handle one coaching turn or drill reply, from the event to the reply being sent, by channel.', ['channel'] as const, LATENCY_BUCKETS)),
    inFlight: registry.add(new Gauge('defuse_turns_in_flight', 'Turns being handled right now (a graceful shutdown waits for these).')),
    advice: registry.add(new Counter('defuse_advice_total', 'Advice given, by channel, emotion, stage and next step.', ['channel', 'emotion', 'stage', 'step'] as const)),
    escalations: registry.add(new Counter('defuse_escalations_total', 'Escalations opened, by reason.', ['reason'] as const)),
    acknowledgements: registry.add(
      new Counter('defuse_escalation_acknowledgements_total', 'Pings a supervisor answered: outcome "taken" ("I\'m on it") or "dismissed".', ['outcome'] as const),
    ),
    drills: registry.add(new Counter('defuse_drills_total', 'Drills started, and how they ended (resolved, walkout, handoff, turn_limit, stopped).', ['event'] as const)),
    rateLimited: registry.add(new Counter('defuse_rate_limited_total', 'Turns refused by a usage limit, by scope (user or workspace).', ['scope'] as const)),
    readings: registry.add(new Counter('defuse_analysis_readings_total', 'Cases read, by where: on the analysis thread, or on the event loop (thread off, not ready yet, failed or late).', ['on'] as const)),
    storeSeconds: registry.add(new Histogram('defuse_store_call_seconds', 'Time of each call to the case store, by part and operation.', ['part', 'op'] as const, LATENCY_BUCKETS)),
    storeErrors: registry.add(new Counter('defuse_store_errors_total', 'Store calls that failed, by part and operation.', ['part', 'op'] as const)),
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

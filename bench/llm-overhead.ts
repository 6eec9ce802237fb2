/**
 * The LLM path's own cost: the analyser (offline reading, prompt, SDK call, parse, policy and
 * guardrails) against the same chat completion made with the bare SDK, both over HTTP to the
 * local OpenAI-compatible double answering at once. The difference is Defuse's code around the
 * model call. Target (issue "LLM mode"): at most 5 ms p99.
 */
import { performance } from 'node:perf_hooks';
import { loadLlmPrompts } from '../src/content/load-llm-prompts.ts';
import { staticPrefix } from '../src/core/llm/prompt.ts';
import type { Engine } from '../src/engine.ts';
import { chatRequest, createOpenAiClient, OpenAiAnalyser } from '../src/llm/openai-analyser.ts';
import { completion, offlineReadingOf, OpenAiDouble } from '../test/llm/openai-double.ts';
import { BENCH_MESSAGES, pct } from './target-process.ts';

export async function benchLlm(engine: Engine, n = 1500): Promise<void> {
  const double = new OpenAiDouble();
  await double.start();
  double.respond = (body) => completion(JSON.stringify({ ...offlineReadingOf(body), wordings: ['I can see what happened with the charge, and I am sorting it out for you right now.'] }));
  try {
    const config = { provider: 'openai' as const, apiKey: 'bench', baseUrl: double.url, model: 'bench-model', apiVersion: undefined, timeoutMs: 6000 };
    const prompts = loadLlmPrompts();
    const analyser = new OpenAiAnalyser({ config, offline: engine.offline, content: engine.content, prompts });
    const client = createOpenAiClient(config);
    const prefix = staticPrefix(prompts, engine.content);
    const cases = BENCH_MESSAGES.map((text) => engine.coach.readInput({ text }).turns);
    const bare = async (i: number) => {
      const turns = cases[i % cases.length]!;
      const offline = engine.offline.analyseSync(turns, { shownWordings: new Set() });
      const t0 = performance.now();
      await client.chat.completions.create(chatRequest(config.model, prefix, turns, offline));
      return performance.now() - t0;
    };
    const ours = async (i: number) => {
      const t0 = performance.now();
      const a = await analyser.analyse(cases[i % cases.length]!, { shownWordings: new Set() });
      if (a.source === 'offline') throw new Error('the LLM path fell back during the bench');
      return performance.now() - t0;
    };
    // Alternate the two so both see the same machine noise; warm both up first.
    for (let i = 0; i < 200; i++) {
      await bare(i);
      await ours(i);
    }
    const b: number[] = [];
    const o: number[] = [];
    for (let i = 0; i < n; i++) {
      b.push(await bare(i));
      o.push(await ours(i));
    }
    b.sort((x, y) => x - y);
    o.sort((x, y) => x - y);
    const line = (label: string, s: number[]) => console.log(`${label.padEnd(44)} n=${s.length}  p50=${pct(s, 50).toFixed(3)} ms  p99=${pct(s, 99).toFixed(3)} ms`);
    line('llm: bare SDK call to the local double', b);
    line('llm: Defuse LLM analyser, same double', o);
    console.log(`${'llm: Defuse overhead beyond the SDK call'.padEnd(44)} p50=${(pct(o, 50) - pct(b, 50)).toFixed(3)} ms  p99=${(pct(o, 99) - pct(b, 99)).toFixed(3)} ms`);
  } finally {
    await double.stop();
  }
}

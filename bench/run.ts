/**
 * `npm run bench`: speed of the offline engine, measured, not asserted.
 * Targets (issue "coach core"): a 1,000-character message p99 <= 1 ms after warm-up on one
 * core; a 40-turn case <= 5 ms; CLI start-up <= 300 ms.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createEngine } from '../src/engine.ts';
import type { Turn } from '../src/core/case.ts';

const engine = createEngine();
const root = new URL('../', import.meta.url).pathname;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function time(label: string, iterations: number, fn: () => void): { p50: number; p99: number } {
  for (let i = 0; i < Math.min(500, iterations); i++) fn(); // warm-up: let the JIT settle
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const r = { p50: percentile(samples, 50), p99: percentile(samples, 99) };
  console.log(`${label.padEnd(44)} n=${iterations}  p50=${r.p50.toFixed(3)} ms  p99=${r.p99.toFixed(3)} ms  max=${samples.at(-1)!.toFixed(3)} ms`);
  return r;
}

const sentences = [
  "I have been waiting for my refund for three weeks and nobody answers my emails. ",
  'This is the third time I am writing about the same double charge on my card! ',
  "If it's not sorted by Friday I will dispute it with my bank and post a review. ",
  'Honestly I am not angry, just really disappointed, the app keeps crashing. ',
  'Could you please tell me what you are going to do about it and when? ',
];
let message = '';
for (let i = 0; message.length < 1000; i++) message += sentences[i % sentences.length];
message = message.slice(0, 1000);

const shown = new Set<string>();
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
// Each iteration reads a different text (a counter in front), so no cache can answer for it.
let n = 0;
time('analyse a 1,000-character message (parse+advice)', 5000, () => {
  const text = `${n++} ${message}`.slice(0, 1000);
  const { turns } = engine.coach.readInput({ text });
  engine.offline.analyseSync(turns, { shownWordings: shown });
});

const turns: Turn[] = [];
for (let i = 0; i < 40; i++) {
  turns.push(
    i % 2 === 0
      ? { role: 'customer', text: sentences[i % sentences.length]! + sentences[(i + 1) % sentences.length]! }
      : { role: 'agent', text: "I'm sorry about that. I've issued a refund; you'll see it within 3 to 5 business days. Does that work for you?" },
  );
}
time('analyse a 40-turn case', 2000, () => {
  const k = n++;
  engine.offline.analyseSync(turns.map((t) => ({ ...t, text: `${k} ${t.text}` })), { shownWordings: shown });
});
time('review a draft reply', 5000, () => {
  engine.coach.review(`${n++}. Calm down. Per our policy we can't refund, but I've escalated it to my supervisor who will call you by 5pm.`);
});

// CLI start-up: a whole process that loads and validates prompts/ and answers once.
const runs: number[] = [];
for (let i = 0; i < 12; i++) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/defuse', 'coach', 'where is my parcel, it is a week late'], { cwd: root, encoding: 'utf8' });
  runs.push(performance.now() - t0);
  if (r.status !== 0) throw new Error(`CLI failed: ${r.stderr}`);
}
runs.sort((a, b) => a - b);
console.log(`${'CLI start-up (defuse coach "…", whole process)'.padEnd(44)} n=${runs.length}  p50=${percentile(runs, 50).toFixed(1)} ms  max=${runs.at(-1)!.toFixed(1)} ms`);

/**
 * `npm run bench`: speed of the offline engine, measured, not asserted.
 * Targets (issue "coach core"): a 1,000-character message p99 <= 1 ms after warm-up on one
 * core; a 40-turn case <= 5 ms; CLI start-up <= 300 ms. Storage (issue "durable state"): the
 * store adds at most 2 ms p99 to a coaching turn on SQLite.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import { createEngine } from '../src/engine.ts';
import type { Turn } from '../src/core/case.ts';
import type { Store } from '../src/core/ports/store.ts';
import { postgresStore } from '../src/storage/postgres/postgres-store.ts';
import { sqliteStore } from '../src/storage/sqlite/sqlite-store.ts';
import { benchSlack } from './slack-e2e.ts';
import { benchTeams } from './teams-e2e.ts';
import type { Comparison, LoadResult } from './target-process.ts';
import { benchLlm } from './llm-overhead.ts';

const engine = createEngine();
const root = new URL('../', import.meta.url).pathname;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Three rounds after a warm-up; the round with the median p99 is reported. This machine's
 * neighbours add pauses that have nothing to do with the code: one noisy round should not
 * decide the figure, and neither should the best one.
 */
function time(label: string, iterations: number, fn: () => void): { p50: number; p99: number } {
  for (let i = 0; i < Math.min(500, iterations); i++) fn(); // warm-up: let the JIT settle
  const rounds: { p50: number; p99: number; max: number }[] = [];
  for (let round = 0; round < 3; round++) {
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      fn();
      samples.push(performance.now() - t0);
    }
    samples.sort((x, y) => x - y);
    rounds.push({ p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.at(-1)! });
  }
  rounds.sort((x, y) => x.p99 - y.p99);
  const r = rounds[1]!;
  const all = rounds.map((x) => x.p99.toFixed(3)).join('/');
  console.log(`${label.padEnd(44)} n=3×${iterations}  p50=${r.p50.toFixed(3)} ms  p99=${r.p99.toFixed(3)} ms (rounds: ${all})  max=${r.max.toFixed(3)} ms`);
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

// Storage: what the store adds to a coaching turn. Each append commits one customer turn with
// its assessment to a case of 20 turns, the size of a typical live case (target on SQLite:
// p99 <= 2 ms). PostgreSQL runs when BENCH_DATABASE_URL is set (a database named *bench* or
// *test*: its tables are dropped first).
async function benchStore(label: string, store: Store, iterations: number): Promise<void> {
  const entry = (i: number) => ({
    turns: [{ role: 'customer' as const, text: sentences[i % sentences.length]! }],
    assessment: { emotion: 'angry' as const, intensity: 0.7, stage: 'venting' as const, flags: ['repeat_contact' as const], step: 'empathize' as const },
    shownWordings: ['empathize.w1'],
    stepsTaken: ['empathize' as const],
    at: new Date().toISOString(),
  });
  for (let i = 0; i < 50; i++) await store.cases.append(`warm-${i % 5}`, entry(i));
  const samples: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    const id = `case-${Math.floor(i / 20)}`;
    const s = performance.now();
    await store.cases.append(id, entry(i));
    samples.push(performance.now() - s);
  }
  const total = performance.now() - t0;
  samples.sort((a, b) => a - b);
  console.log(
    `${`store append (${label})`.padEnd(44)} n=${iterations}  ${((iterations / total) * 1000).toFixed(0)} turns/s  p50=${percentile(samples, 50).toFixed(3)} ms  p99=${percentile(samples, 99).toFixed(3)} ms`,
  );
  await store.close();
}

const benchDir = mkdtempSync(join(tmpdir(), 'defuse-bench-'));
try {
  await benchStore('sqlite, WAL', sqliteStore(join(benchDir, 'defuse.sqlite')), 5000);
} finally {
  rmSync(benchDir, { recursive: true, force: true });
}
const pgUrl = process.env.BENCH_DATABASE_URL;
if (pgUrl) {
  const name = new URL(pgUrl).pathname;
  if (!/bench|test/.test(name)) throw new Error('BENCH_DATABASE_URL must name a database containing "bench" or "test": a schema is dropped there');
  // A schema of its own, made afresh: no list of tables to keep in step with the migrations.
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query('DROP SCHEMA IF EXISTS defuse_bench CASCADE');
  await admin.query('CREATE SCHEMA defuse_bench');
  await admin.end();
  const inSchema = new URL(pgUrl);
  inSchema.searchParams.set('options', '-c search_path=defuse_bench');
  await benchStore('postgres', await postgresStore(inSchema.toString()), 3000);
} else {
  console.log('store append (postgres)                      skipped: set BENCH_DATABASE_URL to measure');
}

// End to end through Slack: see bench/slack-e2e.ts.
const slack = await benchSlack();
for (const r of [slack.bare, slack.defuse]) {
  console.log(`${`slack app_mention → reply (${r.label})`.padEnd(44)} n=${r.n}  ${r.perSecond.toFixed(0)} events/s  p50=${r.p50.toFixed(2)} ms  p99=${r.p99.toFixed(2)} ms  (20 concurrent)${cpuNote(r)}`);
}
console.log(`${'slack throughput, Defuse / bare Bolt'.padEnd(44)} ${ratioLine(slack)}`);

// End to end through Teams: see bench/teams-e2e.ts.
const teams = await benchTeams();
for (const r of [teams.bare, teams.defuse]) {
  console.log(`${`teams message → reply (${r.label})`.padEnd(44)} n=${r.n}  ${r.perSecond.toFixed(0)} activities/s  p50=${r.p50.toFixed(2)} ms  p99=${r.p99.toFixed(2)} ms  (20 concurrent)${cpuNote(r)}`);
}
console.log(`${'teams throughput, Defuse / bare CloudAdapter'.padEnd(44)} ${ratioLine(teams)}`);

/**
 * CPU per reply: of the target (all its threads, and of those its event loop) and of the bench
 * process (load and platform double).
 */
function cpuNote(r: LoadResult): string {
  const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(2)} ms`);
  return `  cpu/reply: target ${ms(r.targetCpuMs)} (event loop ${ms(r.targetMainCpuMs)}), bench ${ms(r.driverCpuMs)}`;
}

/**
 * The pooled ratio, then each round's: how far the rounds agree is how far to trust it. Then
 * the ratio of event-loop CPU per reply, bare over Defuse: the throughput ratio to expect where
 * the event loop is the only thing short of a core (see LoadResult.targetMainCpuMs).
 */
function ratioLine(c: Comparison): string {
  const loop = c.bare.targetMainCpuMs !== undefined && c.defuse.targetMainCpuMs ? `; event-loop CPU ratio ${(c.bare.targetMainCpuMs / c.defuse.targetMainCpuMs).toFixed(2)}` : '';
  return `${(c.defuse.perSecond / c.bare.perSecond).toFixed(2)} (rounds: ${c.roundRatios.map((x) => x.toFixed(2)).join('/')})${loop}`;
}

// The LLM path against a local OpenAI-compatible double: see bench/llm-overhead.ts.
await benchLlm(engine);

/**
 * Starts a benchmark target (a bare SDK app or the real service) in a process of its own, as
 * the service runs in production, so the load generator and the platform double (in the bench
 * process) do not compete with it for one event loop. The target prints "listening <port>".
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Customer messages across emotions and stages, the same on every platform. None calls for a
 * supervisor: a ping is extra platform calls that the bare app does not make, and pings are rare
 * next to coaching.
 */
export const BENCH_MESSAGES = [
  "This is the third time I'm writing about the double charge, I want it refunded today",
  'this is RIDICULOUS, the app logged me out again and nobody is helping',
  "I'm really worried, my flight is tomorrow and the passport still hasn't arrived",
  'ok thanks, that sorts it, have a good day',
  "Honestly I'm not angry, just disappointed: the app keeps crashing when I pay",
];

/** Twenty requests in flight: the load the Slack issue's p99 target names. */
export const CONCURRENCY = 20;

export async function startTarget(script: string, kind: string, env: Record<string, string>): Promise<{ base: string; stop: () => Promise<void> }> {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, new URL(script, import.meta.url).pathname, kind], {
    // Usage limits are off: the bench measures how fast turns go, and sends far more from one
    // user than any limit allows.
    env: { ...process.env, LOG_LEVEL: 'error', RATE_LIMIT_USER_PER_MINUTE: '0', RATE_LIMIT_WORKSPACE_PER_MINUTE: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`${kind} target exited with ${code}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface LoadResult {
  label: string;
  n: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Runs `one` from `concurrency` workers: a warm-up of ten each, then `n` requests timed.
 * `one(i)` resolves with the latency of request i (request sent to reply received).
 */
export async function runLoad(label: string, n: number, concurrency: number, one: (i: number) => Promise<number>): Promise<LoadResult> {
  let seq = 0;
  const latencies: number[] = [];
  const worker = async (count: number) => {
    for (let k = 0; k < count; k++) latencies.push(await one(seq++));
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker(10)));
  latencies.length = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => worker(Math.ceil(n / concurrency))));
  const elapsed = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return { label, n: latencies.length, perSecond: (latencies.length / elapsed) * 1000, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

/**
 * Runs the same load against the bare SDK target and then Defuse, one process at a time, with
 * a fresh data directory for the run. `drive(label, base)` runs the load against one target.
 */
export async function compareTargets(
  script: string,
  bareLabel: string,
  env: Record<string, string>,
  drive: (label: string, base: string) => Promise<LoadResult>,
): Promise<LoadResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'defuse-bench-e2e-'));
  const results: LoadResult[] = [];
  try {
    for (const [kind, label] of [
      ['bare', bareLabel],
      ['defuse', 'Defuse (SQLite)'],
    ] as const) {
      const target = await startTarget(script, kind, { ...env, DATA_DIR: dir });
      try {
        results.push(await drive(label, target.base));
      } finally {
        await target.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

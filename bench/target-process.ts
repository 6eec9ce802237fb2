/**
 * Starts a benchmark target (a bare SDK app or the real service) in a process of its own, as
 * the service runs in production, so the load generator and the platform double (in the bench
 * process) do not compete with it for one event loop. The target prints "listening <port>".
 */
import { spawn } from 'node:child_process';

export async function startTarget(script: string, kind: string, env: Record<string, string>): Promise<{ base: string; stop: () => Promise<void> }> {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, new URL(script, import.meta.url).pathname, kind], {
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
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

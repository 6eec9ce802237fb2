/**
 * Starts a benchmark target (a bare SDK app or the real service) in a process of its own, as
 * the service runs in production, so the load generator and the platform double (in the bench
 * process) do not compete with it for one event loop. The target prints "listening <port>".
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/** ANALYSIS_THREAD as the bench was started with (unset: the service's default), to compare both ways. */
export function analysisThread(): { ANALYSIS_THREAD?: string } {
  const v = process.env.ANALYSIS_THREAD;
  return v ? { ANALYSIS_THREAD: v } : {};
}

/** Twenty requests in flight: the load the Slack issue's p99 target names. */
export const CONCURRENCY = 20;

export interface Target {
  base: string;
  /** CPU time the target process has used so far, in ms (undefined where /proc is absent). */
  cpuMs: () => number | undefined;
  /** The same for its main thread alone: the event loop, which every reply must pass through. */
  mainCpuMs: () => number | undefined;
  stop: () => Promise<void>;
}

/**
 * User plus system CPU of a process from /proc (Linux), in ms; with `mainThread`, of its main
 * thread alone (whose thread id is the process id).
 */
function processCpuMs(pid: number | undefined, mainThread = false): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15, in clock ticks of 10 ms on Linux.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

export async function startTarget(script: string, kind: string, env: Record<string, string>): Promise<Target> {
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
    cpuMs: () => processCpuMs(child.pid),
    mainCpuMs: () => processCpuMs(child.pid, true),
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
  /** Every timed request's latency, sorted, and how long the timed part took. */
  latencies: number[];
  elapsedMs: number;
  /**
   * CPU per timed request, in ms: of the target process, and of this process (the load and
   * the platform double). Unlike throughput, CPU time hardly moves when a neighbour slows
   * the machine, so it shows what each target costs where the throughput figures drift.
   */
  targetCpuMs?: number;
  /**
   * Of targetCpuMs, what the target's main thread used: the event loop. Where the load, the
   * platform double and Defuse's analysis thread have cores of their own, this is what bounds
   * each target's throughput; on a 2-core machine they all share the same two.
   */
  targetMainCpuMs?: number;
  driverCpuMs: number;
}

export function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Runs `one` from `concurrency` workers: a warm-up of ten each, then `n` requests timed.
 * `one(i)` resolves with the latency of request i (request sent to reply received).
 */
export async function runLoad(
  label: string,
  n: number,
  concurrency: number,
  one: (i: number) => Promise<number>,
  targetCpuMs?: () => number | undefined,
  targetMainCpuMs?: () => number | undefined,
): Promise<LoadResult> {
  let seq = 0;
  const latencies: number[] = [];
  const worker = async (count: number) => {
    for (let k = 0; k < count; k++) latencies.push(await one(seq++));
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker(10)));
  latencies.length = 0;
  const cpuBefore = targetCpuMs?.();
  const mainBefore = targetMainCpuMs?.();
  const driverBefore = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => worker(Math.ceil(n / concurrency))));
  const elapsedMs = performance.now() - start;
  const driver = process.cpuUsage(driverBefore);
  const cpuAfter = targetCpuMs?.();
  const mainAfter = targetMainCpuMs?.();
  latencies.sort((a, b) => a - b);
  const count = latencies.length;
  return {
    label,
    n: count,
    perSecond: (count / elapsedMs) * 1000,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    latencies,
    elapsedMs,
    ...(cpuBefore !== undefined && cpuAfter !== undefined ? { targetCpuMs: (cpuAfter - cpuBefore) / count } : {}),
    ...(mainBefore !== undefined && mainAfter !== undefined ? { targetMainCpuMs: (mainAfter - mainBefore) / count } : {}),
    driverCpuMs: (driver.user + driver.system) / 1000 / count,
  };
}

/** The rounds of compareTargets, pooled per target, and the throughput ratio of each round. */
export interface Comparison {
  bare: LoadResult;
  defuse: LoadResult;
  /** Defuse's throughput over the bare target's, round by round. */
  roundRatios: number[];
}

/** Rounds per comparison: enough that one slow stretch of a shared machine does not decide it. */
const ROUNDS = 4;

/**
 * Runs the same load against the bare SDK target and Defuse, both started at once (each in a
 * process of its own, with a fresh data directory), in alternating rounds: bare then Defuse,
 * then Defuse then bare, and so on. On a shared 2-core machine the speed drifts by tens of per
 * cent within a minute; back-to-back short rounds in alternating order let the drift fall on
 * both sides alike, where one long run each did not. `drive(label, base, round)` runs one
 * round's load against one target; each round must use its own event ids and conversations.
 */
export async function compareTargets(
  script: string,
  bareLabel: string,
  env: Record<string, string>,
  drive: (label: string, target: Target, round: number) => Promise<LoadResult>,
): Promise<Comparison> {
  const dir = mkdtempSync(join(tmpdir(), 'defuse-bench-e2e-'));
  const targets: { stop: () => Promise<void> }[] = [];
  try {
    const bare = await startTarget(script, 'bare', { ...env, DATA_DIR: dir });
    targets.push(bare);
    const defuse = await startTarget(script, 'defuse', { ...env, DATA_DIR: dir });
    targets.push(defuse);
    const rounds: { bare: LoadResult; defuse: LoadResult }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const runBare = () => drive(bareLabel, bare, round);
      const runDefuse = () => drive('Defuse (SQLite)', defuse, round);
      if (round % 2 === 0) {
        const b = await runBare();
        rounds.push({ bare: b, defuse: await runDefuse() });
      } else {
        const d = await runDefuse();
        rounds.push({ bare: await runBare(), defuse: d });
      }
    }
    return {
      bare: pooled(rounds.map((r) => r.bare)),
      defuse: pooled(rounds.map((r) => r.defuse)),
      roundRatios: rounds.map((r) => r.defuse.perSecond / r.bare.perSecond),
    };
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Several rounds against one target as one result: all requests over all timed time. */
function pooled(results: LoadResult[]): LoadResult {
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const elapsedMs = results.reduce((sum, r) => sum + r.elapsedMs, 0);
  const n = latencies.length;
  const perRequest = (of: (r: LoadResult) => number | undefined) => {
    const parts = results.map((r) => of(r));
    return parts.every((x) => x !== undefined) ? parts.reduce((sum: number, x, i) => sum + x! * results[i]!.n, 0) / n : undefined;
  };
  const targetCpuMs = perRequest((r) => r.targetCpuMs);
  const targetMainCpuMs = perRequest((r) => r.targetMainCpuMs);
  return {
    label: results[0]!.label,
    n,
    perSecond: (n / elapsedMs) * 1000,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    latencies,
    elapsedMs,
    ...(targetCpuMs !== undefined ? { targetCpuMs } : {}),
    ...(targetMainCpuMs !== undefined ? { targetMainCpuMs } : {}),
    driverCpuMs: perRequest((r) => r.driverCpuMs)!,
  };
}

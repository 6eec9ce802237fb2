/**
 * `npm run load`: an open-loop load generator for the running service, all on 127.0.0.1.
 *
 * The real service runs in a process of its own (bench/load-target.ts, started like the other
 * bench targets) on SQLite in a fresh DATA_DIR, with Slack against the local Slack Web API
 * double and Teams (unauthenticated) against the local Bot Connector double, both in this
 * process. Requests go out on a fixed clock, whatever the service does: half Slack (signed
 * app_mention events opening cases in channels, app_mentions continuing them in their thread,
 * and DM `message` events, top level and in the thread), half Teams (message activities in
 * agents' personal chats: a first message, `new …`, or a follow-up continuing the open case).
 * A slow service shows up as latency and errors, never as a lower sending rate.
 *
 * Latency: from sending the request to the reply reaching the double (Slack: chat.postMessage
 * in the event's thread; Teams: the reply to the activity's id). Errors: non-2xx answers and
 * connection failures, replies that do not arrive within 5 s, replies that are an apology or
 * anything but advice. Memory: the service's RSS (/proc/<pid>/status) and V8 heap (GET
 * /metrics) every second. Targets: 300 coaching turns/s sustained for 60 s on SQLite,
 * p99 < 100 ms, no errors, memory growth <= 10% over the last half of the run. A measurement,
 * not an assertion: exit code 0 on MISS, 1 only when the tool itself fails.
 *
 *   npm run load -- [--rate 300] [--seconds 60] [--warmup 5] [--json FILE] [--profile DIR]
 *                   [--seed 1] [--companions] [--user-limit N] [--workspace-limit N]
 *
 * --profile DIR runs the service under `node --cpu-prof` (BENCH_PROFILE, as bench/target-process.ts
 * does) and prints where its CPU time went (bench/load-profile.ts). --companions also sends, for
 * every channel app_mention, the message.channels event Slack delivers alongside it (the app
 * subscribes to both; the service reads and ignores it, no reply). The service's usage limits
 * are off, as in the other benches (all the Slack traffic is one workspace, all the Teams
 * traffic one tenant); --user-limit / --workspace-limit N turn them on (turns per minute; the
 * agents are paced to stay under the service's default of 20 per user).
 */
import { Agent, request } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { APOLOGY } from '../src/core/channel/present.ts';
import { BOT, eventEnvelope, SECRET, sign } from '../test/slack/slack-harness.ts';
import { SlackDouble, type Call } from '../test/slack/slack-double.ts';
import { ConnectorDouble, type ConnectorCall } from '../test/teams/connector-double.ts';
import { message as teamsMessage, type TeamsHarness } from '../test/teams/teams-harness.ts';
import { printProfile, summariseProfile, type ProfileSummary } from './load-profile.ts';
import { followUpText, openerText, seededRandom } from './load-texts.ts';
import { pct, startTarget } from './target-process.ts';

// ---------------------------------------------------------------------------------------------
// Settings

const TARGET = { rate: 300, seconds: 60, p99Ms: 100, memoryGrowth: 0.1 };
/** A reply later than this is an error ("timeout"), as the issue defines it. */
const REPLY_TIMEOUT_MS = 5000;
/** The scheduler's clock: every tick sends what the fixed rate says is due by now. */
const TICK_MS = 10;
/** Share of each platform's requests that continue a case rather than open one. */
const FOLLOW_UP_SHARE = 0.3;
/** Of Slack's new cases, this share opens in a DM (`message` event); the rest by @mention in a channel. */
const SLACK_DM_SHARE = 0.25;
/**
 * An agent writes again (a follow-up, or a Teams agent's next case) at the earliest this long
 * after the last answer: at most 15 messages a minute, under the service's default per-user
 * limit (20 a minute), so `--user-limit 20` measures the limiter without tripping it.
 */
const FOLLOW_UP_GAP_MS = 4000;
const SLACK_CHANNELS = 8;
/** Slack agents, picked at random for each new case: about 3 a minute each at 300/s. */
const SLACK_AGENTS = 3000;
const ESCALATION_CHANNEL = 'C0SUPERVISE';
/** The Teams channel a supervisor registers with `supervise` before the load. */
const TEAMS_SUPERVISORS = '19:load-supervisors@thread.tacv2';
const CLK_TCK = 100;

function flags() {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: String(TARGET.rate) },
      seconds: { type: 'string', default: String(TARGET.seconds) },
      warmup: { type: 'string', default: '5' },
      json: { type: 'string' },
      profile: { type: 'string' },
      seed: { type: 'string', default: '1' },
      companions: { type: 'boolean', default: false },
      'user-limit': { type: 'string', default: '0' },
      'workspace-limit': { type: 'string', default: '0' },
    },
    strict: true,
  });
  const num = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min} (got "${v}")`);
    return n;
  };
  return {
    rate: num('rate', values.rate, 1),
    seconds: num('seconds', values.seconds, 1),
    warmup: num('warmup', values.warmup, 0),
    seed: num('seed', values.seed, 0),
    json: values.json,
    profile: values.profile,
    companions: values.companions,
    userLimit: num('user-limit', values['user-limit'], 0),
    workspaceLimit: num('workspace-limit', values['workspace-limit'], 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Traffic state: cases (Slack threads) and agents (Teams personal chats) that can be continued

type Platform = 'slack' | 'teams';
type Kind = 'slack_mention' | 'slack_thread_mention' | 'slack_dm' | 'slack_dm_thread' | 'teams_first' | 'teams_new' | 'teams_follow_up';
type Outcome = 'ok' | 'timeout' | 'apology' | 'not_advice' | 'http_timeout' | `http_${number}` | `conn_${string}`;

/** A Slack case (a thread in a channel or a DM), or a Teams agent's personal chat. */
interface Thread {
  platform: Platform;
  dm: boolean;
  channel: string;
  root: string;
  user: string;
  /** Messages in the current case, and how many it will have. */
  turns: number;
  planned: number;
  idleSince: number;
}

interface Pending {
  seq: number;
  kind: Kind;
  platform: Platform;
  thread: Thread;
  key: string;
  t0: number;
  measured: boolean;
  done: boolean;
  reply: { at: number; outcome: Outcome } | undefined;
  http: number | string | undefined;
}

/** A queue without Array#shift's copying. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get size(): number {
    return this.items.length - this.head;
  }
  push(x: T): void {
    this.items.push(x);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head++];
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
}

/** Case length: most cases are a single message; some run to four. */
function plannedTurns(rnd: () => number): number {
  const r = rnd();
  return r < 0.5 ? 1 : r < 0.75 ? 2 : r < 0.9 ? 3 : 4;
}

// ---------------------------------------------------------------------------------------------
// HTTP to the service: plain node:http with keep-alive (cheaper per request than fetch, and the
// generator shares two cores with the service)

function post(agent: Agent, port: number, path: string, headers: Record<string, string>, body: string, done: (status: number | string) => void): void {
  let settled = false;
  const finish = (s: number | string) => {
    if (!settled) {
      settled = true;
      done(s);
    }
  };
  const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
    res.on('error', (e: NodeJS.ErrnoException) => finish(`conn_${e.code ?? 'error'}`));
    res.on('end', () => finish(res.statusCode ?? 0));
    res.resume();
  });
  req.setTimeout(2 * REPLY_TIMEOUT_MS, () => req.destroy(Object.assign(new Error('request timed out'), { code: 'TIMEOUT' })));
  req.on('error', (e: NodeJS.ErrnoException) => finish(`conn_${e.code ?? 'error'}`));
  req.end(body);
}

function get(agent: Agent, port: number, path: string, timeoutMs: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => (res.statusCode === 200 ? resolveBody(text) : reject(new Error(`GET ${path}: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// The service's process: memory and CPU

interface Sample {
  /** Seconds since the load started (negative: before). */
  t: number;
  rss: number | undefined;
  heapUsed: number | undefined;
  /** Service CPU since the previous sample, in % of one core. */
  cpu: number | undefined;
  /** This process's (generator and doubles) CPU since the previous sample, % of one core. */
  genCpu: number;
  /** Every other process on the machine (other people's work included), % of one core. */
  otherCpu: number | undefined;
  /** Cores waiting on disk, % of one core. */
  iowait: number | undefined;
}

function procRss(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** utime + stime of the process, in seconds. */
function procCpu(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Busy, I/O-wait and total jiffies of the whole machine (/proc/stat). */
function machineTimes(): { busy: number; iowait: number; total: number } | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - f[3]! - f[4]!, iowait: f[4]!, total };
  } catch {
    return undefined;
  }
}

/** CPU of the whole machine between two readings, in % of one core (so up to 100 × cores). */
function machineCpu(a: ReturnType<typeof machineTimes>, b: ReturnType<typeof machineTimes>): { busy: number; iowait: number } | undefined {
  if (!a || !b || b.total <= a.total) return undefined;
  const scale = (100 * cpus().length) / (b.total - a.total);
  return { busy: (b.busy - a.busy) * scale, iowait: (b.iowait - a.iowait) * scale };
}

function metricValue(text: string, type: string): number | undefined {
  const m = new RegExp(`^defuse_process_memory_bytes\\{type="${type}"\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

interface Growth {
  samples: number;
  first: number;
  last: number;
  /** (last - first) / first. */
  growth: number;
  /** Least-squares slope, bytes per second. */
  slopePerSecond: number;
  /** The fitted line's rise over the span, relative to its start. */
  fitGrowth: number;
}

function growthOf(points: { t: number; v: number }[]): Growth | undefined {
  if (points.length < 2) return undefined;
  const n = points.length;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const mv = points.reduce((s, p) => s + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.v - mv);
    den += (p.t - mt) ** 2;
  }
  const slope = den === 0 ? 0 : num / den;
  const first = points[0]!;
  const last = points[n - 1]!;
  const fitStart = mv + slope * (first.t - mt);
  return { samples: n, first: first.v, last: last.v, growth: (last.v - first.v) / first.v, slopePerSecond: slope, fitGrowth: (slope * (last.t - first.t)) / fitStart };
}

// ---------------------------------------------------------------------------------------------

const mb = (b: number | undefined) => (b === undefined ? '    -' : (b / 1048576).toFixed(1).padStart(5));
const ms = (v: number | undefined) => (v === undefined ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(1));
const percent = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;

function latencyStats(values: number[]): { n: number; p50: number; p95: number; p99: number; max: number } | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), max: s.at(-1)! };
}

async function main(): Promise<void> {
  const opts = flags();
  const rnd = seededRandom(opts.seed);
  const dir = mkdtempSync(join(tmpdir(), 'defuse-load-'));
  const dataDir = join(dir, 'data');
  const pidFile = join(dir, 'service.pid');
  const slack = new SlackDouble();
  slack.record = false;
  const connector = new ConnectorDouble();
  connector.record = false;
  // A timeout makes the agent honour the service's Keep-Alive hint (it drops an idle socket a
  // second before the server would), so a reused socket closing under a request is not counted
  // as the service's error.
  const agent = new Agent({ keepAlive: true, maxSockets: 512, timeout: 60_000 });
  let target: { base: string; stop: () => Promise<void> } | undefined;
  let pid: number | undefined;
  const profileDir = opts.profile ? resolve(opts.profile) : undefined;
  const startedAt = Date.now();
  const loadAvgBefore = loadavg();

  try {
    await slack.start();
    await connector.start();
    if (profileDir) {
      mkdirSync(profileDir, { recursive: true });
      process.env.BENCH_PROFILE = profileDir;
    }
    target = await startTarget('./load-target.ts', 'defuse', {
      DATA_DIR: dataDir,
      LOAD_PID_FILE: pidFile,
      LOAD_SLACK_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      SLACK_ESCALATION_CHANNEL: ESCALATION_CHANNEL,
      RATE_LIMIT_USER_PER_MINUTE: String(opts.userLimit),
      RATE_LIMIT_WORKSPACE_PER_MINUTE: String(opts.workspaceLimit),
      LOG_LEVEL: 'warn',
    });
    pid = Number(readFileSync(pidFile, 'utf8'));
    const port = Number(new URL(target.base).port);
    const health = JSON.parse(await get(agent, port, '/healthz', 5000)) as Record<string, unknown>;
    if (health.store !== 'sqlite' || health.slack !== true || health.teams !== 'unauthenticated' || health.llm !== 'off') {
      throw new Error(`the service is not configured as the load test needs: ${JSON.stringify(health)}`);
    }
    console.log(`node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), shared by the service, this generator and the doubles`);
    console.log(`machine load average before the run: ${loadAvgBefore.map((x) => x.toFixed(2)).join(' ')} (1/5/15 min)`);
    console.log(`service pid ${pid} at ${target.base}: ${JSON.stringify(health)}; DATA_DIR ${dataDir}${profileDir ? `; --cpu-prof into ${profileDir}` : ''}`);
    console.log(
      `load: ${opts.rate}/s open loop for ${opts.warmup} s warm-up + ${opts.seconds} s measured; half Slack, half Teams; ${FOLLOW_UP_SHARE * 100}% follow-ups; reply timeout ${REPLY_TIMEOUT_MS / 1000} s; ` +
        `usage limits per minute: user ${opts.userLimit || 'off'}, workspace ${opts.workspaceLimit || 'off'}`,
    );

    // ------------------------------------------------------------------ correlation
    const slackPending = new Map<string, Pending>();
    const teamsPending = new Map<string, Pending>();
    const inflight = new Fifo<Pending>();
    const setupWaiters = new Map<string, (c: ConnectorCall) => void>();
    /** What the unmatched posts said (their first words: Defuse's own texts, never the customer's), counted. */
    const unmatchedTexts = new Map<string, number>();
    const noteUnmatched = (platform: Platform, text: unknown) => {
      const k = `${platform}: ${String(text ?? '(no text)').slice(0, 70)}`;
      unmatchedTexts.set(k, (unmatchedTexts.get(k) ?? 0) + 1);
    };
    const info = { slackUnmatched: 0, teamsUnmatched: 0, supervisorPingsSlack: 0, slackUpdates: 0, teamsPings: 0, teamsUpdates: 0, followUpFallbacks: 0, companions: 0, companionErrors: 0 };

    const companionFailures = new Map<string, number>();
    const slackFollowable = new Fifo<Thread>();
    const teamsFollowable = new Fifo<Thread>();
    const teamsFree = new Fifo<Thread>();
    let teamsAgents = 0;

    let loadStart = 0;
    const windowStart = () => loadStart + opts.warmup * 1000;
    const windowEnd = () => windowStart() + opts.seconds * 1000;
    const secondOf = (at: number) => Math.floor((at - loadStart) / 1000);

    // Per-second buckets over the whole run (warm-up included), for the time series.
    const totalSeconds = Math.ceil(opts.warmup + opts.seconds) + Math.ceil(REPLY_TIMEOUT_MS / 1000) + 2;
    const perSecond = Array.from({ length: totalSeconds }, () => ({ sent: 0, ok: 0, errors: 0, lat: [] as number[] }));
    const bucket = (at: number) => perSecond[Math.min(totalSeconds - 1, Math.max(0, secondOf(at)))]!;

    // Measured requests (sent inside the window).
    const outcomes = new Map<string, number>();
    const byKind = new Map<Kind, { sent: number; ok: number; lat: number[] }>();
    const latencies: number[] = [];
    const latByPlatform: Record<Platform, number[]> = { slack: [], teams: [] };
    const ackLatencies: number[] = [];
    let okInWindow = 0;
    const sendLag: number[] = [];
    const kindStats = (k: Kind) => {
      let s = byKind.get(k);
      if (!s) byKind.set(k, (s = { sent: 0, ok: 0, lat: [] }));
      return s;
    };

    const release = (p: Pending, outcome: Outcome) => {
      const t = p.thread;
      t.idleSince = performance.now();
      t.turns++;
      if (t.platform === 'slack') {
        if (outcome === 'ok' && t.turns < t.planned) {
          slackFollowable.push(t);
          if (slackFollowable.size > 5000) slackFollowable.shift();
        }
      } else if (outcome === 'ok' && t.turns < t.planned) {
        teamsFollowable.push(t);
        if (teamsFollowable.size > 2000) teamsFree.push(teamsFollowable.shift()!);
      } else {
        teamsFree.push(t);
      }
    };

    const finalize = (p: Pending, outcome: Outcome) => {
      if (p.done) return;
      p.done = true;
      const map = p.platform === 'slack' ? slackPending : teamsPending;
      if (map.get(p.key) === p) map.delete(p.key);
      const now = performance.now();
      if (outcome === 'ok') {
        const at = p.reply!.at;
        const lat = at - p.t0;
        const b = bucket(at);
        b.ok++;
        b.lat.push(lat);
        if (at >= windowStart() && at < windowEnd()) okInWindow++;
        if (p.measured) {
          latencies.push(lat);
          latByPlatform[p.platform].push(lat);
          const k = kindStats(p.kind);
          k.ok++;
          k.lat.push(lat);
        }
      } else {
        bucket(now).errors++;
      }
      if (p.measured) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      release(p, outcome);
    };

    const onReply = (p: Pending, at: number, outcome: Outcome) => {
      if (p.done || p.reply) return;
      p.reply = { at, outcome };
      if (p.http !== undefined) finalize(p, outcome);
    };

    const onHttp = (p: Pending, status: number | string) => {
      if (p.done) return;
      p.http = status;
      if (p.platform === 'slack' && p.measured && typeof status === 'number') ackLatencies.push(performance.now() - p.t0);
      if (typeof status === 'string') finalize(p, status as Outcome);
      else if (status < 200 || status > 299) finalize(p, `http_${status}`);
      else if (p.reply) finalize(p, p.reply.outcome);
    };

    slack.onCall = (c: Call) => {
      if (c.method === 'chat.update') info.slackUpdates++;
      if (c.method !== 'chat.postMessage') return;
      const at = performance.now();
      const thread = c.body.thread_ts;
      if (c.body.channel === ESCALATION_CHANNEL) {
        // A ping, or a "new reason" line in its thread.
        info.supervisorPingsSlack++;
        return;
      }
      if (thread === undefined) {
        info.slackUnmatched++;
        noteUnmatched('slack', c.body.text);
        return;
      }
      const p = slackPending.get(`${String(c.body.channel)}|${String(thread)}`);
      if (!p || p.reply) {
        info.slackUnmatched++;
        noteUnmatched('slack', c.body.text);
        return;
      }
      const metadata = c.body.metadata as { event_type?: string } | undefined;
      onReply(p, at, metadata?.event_type === 'defuse_advice' ? 'ok' : c.body.text === APOLOGY ? 'apology' : 'not_advice');
    };

    connector.onCall = (c: ConnectorCall) => {
      const at = performance.now();
      const waiter = c.activityId === undefined ? undefined : setupWaiters.get(c.activityId);
      if (waiter) {
        setupWaiters.delete(c.activityId!);
        waiter(c);
        return;
      }
      if (c.conversationId.startsWith(TEAMS_SUPERVISORS)) {
        // A ping card (a new post or a reply in the supervisor channel) or its update.
        if (c.kind === 'update') info.teamsUpdates++;
        else info.teamsPings++;
        return;
      }
      if (c.kind === 'update') info.teamsUpdates++;
      if (c.kind !== 'reply' || !c.activityId) return;
      const p = teamsPending.get(c.activityId);
      if (!p || p.reply) {
        info.teamsUnmatched++;
        noteUnmatched('teams', String(c.body.text ?? (c.body.attachments ? '(card)' : '(no text)')));
        return;
      }
      const attachments = (c.body.attachments ?? []) as { contentType?: string }[];
      const advice = attachments.some((a) => a.contentType === 'application/vnd.microsoft.card.adaptive') && (c.body.value as { advice?: unknown } | undefined)?.advice !== undefined;
      onReply(p, at, advice ? 'ok' : c.body.text === APOLOGY ? 'apology' : 'not_advice');
    };

    // Teams supervisor route: a supervisor registers their channel first, so escalations
    // ping there (proactive sends to the connector double), as in a configured organisation.
    const harness = { connector } as TeamsHarness;
    {
      const activity = teamsMessage(harness, '<at>Defuse</at> supervise', { conversationType: 'channel', conversationId: TEAMS_SUPERVISORS, user: '29:load-supervisor', teamId: '19:load-team@thread.tacv2' });
      const replied = new Promise<ConnectorCall>((ok, fail) => {
        setupWaiters.set(String(activity.id), ok);
        setTimeout(() => fail(new Error('the Teams supervisor route was not confirmed within 5 s')), 5000).unref();
      });
      const status = await new Promise<number | string>((done) => post(agent, port, '/api/messages', { 'content-type': 'application/json' }, JSON.stringify(activity), done));
      if (status !== 200) throw new Error(`registering the Teams supervisor route: HTTP ${status}`);
      const c = await replied;
      if (!/Supervisor pings will come/.test(String(c.body.text))) throw new Error(`registering the Teams supervisor route: unexpected answer ${JSON.stringify(c.body.text)}`);
    }

    // ------------------------------------------------------------------ sending
    let tsSeq = 0;
    const nextTs = () => `${1_790_000_000 + Math.floor(++tsSeq / 1000)}.${String(tsSeq % 1000).padStart(3, '0')}100`;
    let eventSeq = 0;

    const sendSlackEvent = (p: Pending, event: Record<string, unknown>) => {
      const body = eventEnvelope(event, `EvLoad${++eventSeq}`);
      const headers = { 'content-type': 'application/json', ...sign(body, Math.floor(Date.now() / 1000), SECRET) };
      slackPending.set(p.key, p);
      inflight.push(p);
      p.t0 = performance.now();
      post(agent, port, '/slack/events', headers, body, (s) => onHttp(p, s));
      if (opts.companions && event.type === 'app_mention') {
        // What Slack also delivers for the same channel message (message.channels): no reply.
        const companion = eventEnvelope({ ...event, type: 'message', channel_type: 'channel' }, `EvLoad${++eventSeq}`);
        info.companions++;
        post(agent, port, '/slack/events', { 'content-type': 'application/json', ...sign(companion, Math.floor(Date.now() / 1000), SECRET) }, companion, (s) => {
          if (typeof s !== 'number' || s < 200 || s > 299) {
            info.companionErrors++;
            const k = typeof s === 'number' ? `http_${s}` : s;
            companionFailures.set(k, (companionFailures.get(k) ?? 0) + 1);
          }
        });
      }
    };

    const pending = (seq: number, kind: Kind, platform: Platform, thread: Thread, key: string, measured: boolean): Pending => ({
      seq,
      kind,
      platform,
      thread,
      key,
      t0: 0,
      measured,
      done: false,
      reply: undefined,
      http: undefined,
    });

    const sendSlack = (seq: number, measured: boolean): Kind => {
      const now = performance.now();
      if (rnd() < FOLLOW_UP_SHARE) {
        const t = slackFollowable.peek();
        if (t && now - t.idleSince >= FOLLOW_UP_GAP_MS) {
          slackFollowable.shift();
          const ts = nextTs();
          const text = followUpText(seq, rnd);
          const kind: Kind = t.dm ? 'slack_dm_thread' : 'slack_thread_mention';
          const p = pending(seq, kind, 'slack', t, `${t.channel}|${t.root}`, measured);
          sendSlackEvent(
            p,
            t.dm
              ? { type: 'message', channel: t.channel, channel_type: 'im', user: t.user, text, ts, thread_ts: t.root }
              : { type: 'app_mention', channel: t.channel, user: t.user, text: `<@${BOT}> ${text}`, ts, thread_ts: t.root },
          );
          return kind;
        }
        info.followUpFallbacks++;
      }
      const agentNo = Math.floor(rnd() * SLACK_AGENTS);
      const user = `U0LOAD${agentNo}`;
      const ts = nextTs();
      const text = openerText(seq, rnd);
      const dm = rnd() < SLACK_DM_SHARE;
      const channel = dm ? `D0LOAD${agentNo}` : `C0LOAD${agentNo % SLACK_CHANNELS}`;
      const t: Thread = { platform: 'slack', dm, channel, root: ts, user, turns: 0, planned: plannedTurns(rnd), idleSince: 0 };
      const kind: Kind = dm ? 'slack_dm' : 'slack_mention';
      sendSlackEvent(
        pending(seq, kind, 'slack', t, `${channel}|${ts}`, measured),
        dm ? { type: 'message', channel, channel_type: 'im', user, text, ts } : { type: 'app_mention', channel, user, text: `<@${BOT}> ${text}`, ts },
      );
      return kind;
    };

    const sendTeams = (seq: number, measured: boolean): Kind => {
      const now = performance.now();
      let t: Thread | undefined;
      let kind: Kind;
      let text: string;
      const wantsFollowUp = rnd() < FOLLOW_UP_SHARE;
      const follow = teamsFollowable.peek();
      if (wantsFollowUp && follow && now - follow.idleSince >= FOLLOW_UP_GAP_MS) {
        t = teamsFollowable.shift()!;
        kind = 'teams_follow_up';
        text = followUpText(seq, rnd);
      } else {
        if (wantsFollowUp) info.followUpFallbacks++;
        const free = teamsFree.peek();
        if (free && now - free.idleSince >= FOLLOW_UP_GAP_MS) {
          t = teamsFree.shift()!;
          kind = 'teams_new';
          text = `new ${openerText(seq, rnd)}`;
        } else {
          const n = teamsAgents++;
          t = { platform: 'teams', dm: true, channel: `a:load-chat-${n}`, root: '', user: `29:load-agent-${n}`, turns: 0, planned: 0, idleSince: 0 };
          kind = 'teams_first';
          text = openerText(seq, rnd);
        }
        t.turns = 0;
        t.planned = plannedTurns(rnd);
      }
      const activity = teamsMessage(harness, text, { conversationType: 'personal', conversationId: t.channel, user: t.user, userName: `Load Agent ${t.user.slice(14)}` });
      const p = pending(seq, kind, 'teams', t, String(activity.id), measured);
      teamsPending.set(p.key, p);
      inflight.push(p);
      p.t0 = performance.now();
      post(agent, port, '/api/messages', { 'content-type': 'application/json' }, JSON.stringify(activity), (s) => onHttp(p, s));
      return kind;
    };

    // ------------------------------------------------------------------ sampling
    const samples: Sample[] = [];
    let lastCpu = procCpu(pid);
    let lastGen = process.cpuUsage();
    let lastMachine = machineTimes();
    let lastSampleAt = performance.now();
    const sample = () => {
      const at = performance.now();
      const cpu = procCpu(pid!);
      const gen = process.cpuUsage();
      const machine = machineTimes();
      const dt = (at - lastSampleAt) / 1000;
      const svc = cpu !== undefined && lastCpu !== undefined && dt > 0 ? ((cpu - lastCpu) / dt) * 100 : undefined;
      const genCpu = dt > 0 ? ((gen.user - lastGen.user + gen.system - lastGen.system) / 1e6 / dt) * 100 : 0;
      const m = machineCpu(lastMachine, machine);
      const s: Sample = {
        t: loadStart === 0 ? 0 : (at - loadStart) / 1000,
        rss: procRss(pid!),
        heapUsed: undefined,
        cpu: svc,
        genCpu,
        otherCpu: m && svc !== undefined ? Math.max(0, m.busy - svc - genCpu) : undefined,
        iowait: m?.iowait,
      };
      lastCpu = cpu;
      lastGen = gen;
      lastMachine = machine;
      lastSampleAt = at;
      samples.push(s);
      get(agent, port, '/metrics', 2000).then(
        (text) => {
          s.heapUsed = metricValue(text, 'heap_used');
          s.rss ??= metricValue(text, 'rss');
        },
        () => undefined,
      );
    };

    // ------------------------------------------------------------------ the run
    const rate = opts.rate;
    const total = Math.round((opts.warmup + opts.seconds) * rate);
    const measuredFrom = Math.round(opts.warmup * rate);
    const loop = monitorEventLoopDelay({ resolution: 5 });
    let sent = 0;
    const kinds = new Map<Kind, number>();
    loadStart = performance.now();
    sample();
    const sampler = setInterval(sample, 1000);
    const sweeper = setInterval(() => {
      const now = performance.now();
      for (let p = inflight.peek(); p && (p.done || now - p.t0 >= REPLY_TIMEOUT_MS); p = inflight.peek()) {
        inflight.shift();
        if (!p.done) finalize(p, p.reply ? 'http_timeout' : 'timeout');
      }
    }, 100);
    const genCpuWindow = { start: process.cpuUsage(), end: process.cpuUsage() };
    const svcCpuWindow: { start: number | undefined; end: number | undefined } = { start: undefined, end: undefined };
    const hrWindow = { fromUs: 0, toUs: 0 };
    const machineWindow: { start: ReturnType<typeof machineTimes>; end: ReturnType<typeof machineTimes> } = { start: undefined, end: undefined };

    await new Promise<void>((done) => {
      const tick = () => {
        const now = performance.now();
        const due = Math.min(total, Math.floor(((now - loadStart) * rate) / 1000) + 1);
        while (sent < due) {
          const seq = sent++;
          const measured = seq >= measuredFrom;
          if (seq === measuredFrom) {
            loop.enable();
            genCpuWindow.start = process.cpuUsage();
            svcCpuWindow.start = procCpu(pid!);
            machineWindow.start = machineTimes();
            hrWindow.fromUs = Number(process.hrtime.bigint() / 1000n);
          }
          const scheduled = loadStart + (seq * 1000) / rate;
          if (measured) sendLag.push(performance.now() - scheduled);
          bucket(scheduled).sent++;
          const kind = seq % 2 === 0 ? sendSlack(seq, measured) : sendTeams(seq, measured);
          if (measured) {
            kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
            kindStats(kind).sent++;
          }
        }
        if (sent >= total) {
          clearInterval(timer);
          genCpuWindow.end = process.cpuUsage();
          svcCpuWindow.end = procCpu(pid!);
          machineWindow.end = machineTimes();
          hrWindow.toUs = Number(process.hrtime.bigint() / 1000n);
          loop.disable();
          done();
        }
      };
      const timer = setInterval(tick, TICK_MS);
      tick();
    });
    const sendingEnded = performance.now();
    // Drain: every request either gets its reply or times out.
    while (inflight.size > 0 && performance.now() - sendingEnded < REPLY_TIMEOUT_MS + 1000) await new Promise((r) => setTimeout(r, 50));
    clearInterval(sweeper);
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, 300)); // the last /metrics answer
    const stillPending = inflight.size;

    // ------------------------------------------------------------------ the report
    const windowSeconds = opts.seconds;
    const measuredCount = total - measuredFrom;
    const throughput = okInWindow / windowSeconds;
    const lat = latencyStats(latencies);
    const errors = [...outcomes.entries()].filter(([k]) => k !== 'ok');
    const errorCount = errors.reduce((s, [, n]) => s + n, 0);
    const lagStats = latencyStats(sendLag);
    const genCpu = ((genCpuWindow.end.user - genCpuWindow.start.user + genCpuWindow.end.system - genCpuWindow.start.system) / 1e6 / windowSeconds) * 100;
    const svcCpu = svcCpuWindow.start !== undefined && svcCpuWindow.end !== undefined ? ((svcCpuWindow.end - svcCpuWindow.start) / windowSeconds) * 100 : undefined;
    const machine = machineCpu(machineWindow.start, machineWindow.end);
    const otherCpu = machine && svcCpu !== undefined ? Math.max(0, machine.busy - svcCpu - genCpu) : undefined;

    console.log('\ntime series (5 s steps; latency of replies arriving in the step; RSS and heap at its last sample; CPU in % of one core)');
    console.log('   t (s)  phase   sent/s  ok/s   p50 ms   p99 ms   max ms  errors   RSS MB  heap MB  CPU: service  generator  others  iowait');
    const steps = Math.ceil((opts.warmup + opts.seconds) / 5);
    const series: Record<string, unknown>[] = [];
    for (let i = 0; i < steps; i++) {
      const from = i * 5;
      const to = Math.min(from + 5, opts.warmup + opts.seconds);
      const secs = perSecond.slice(from, to);
      const n = to - from;
      const l = latencyStats(secs.flatMap((s) => s.lat));
      const inStep = samples.filter((s) => s.t > from && s.t <= to + 0.5);
      const lastS = inStep.at(-1);
      const cpuOf = (pick: (s: Sample) => number | undefined) => {
        const v = inStep.map(pick).filter((x): x is number => x !== undefined);
        return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
      };
      const phase = to <= opts.warmup ? 'warm-up' : from < opts.warmup ? 'mixed' : 'measure';
      const row = {
        t: to,
        phase,
        sentPerSecond: secs.reduce((s, x) => s + x.sent, 0) / n,
        okPerSecond: secs.reduce((s, x) => s + x.ok, 0) / n,
        p50: l?.p50,
        p99: l?.p99,
        max: l?.max,
        errors: secs.reduce((s, x) => s + x.errors, 0),
        rss: lastS?.rss,
        heapUsed: lastS?.heapUsed,
        serviceCpu: cpuOf((s) => s.cpu),
        generatorCpu: cpuOf((s) => s.genCpu),
        otherCpu: cpuOf((s) => s.otherCpu),
        iowait: cpuOf((s) => s.iowait),
      };
      const pc = (v: number | undefined, w: number) => (v === undefined ? '-' : `${v.toFixed(0)}%`).padStart(w);
      series.push(row);
      console.log(
        `${String(row.t).padStart(8)}  ${phase.padEnd(7)} ${row.sentPerSecond.toFixed(0).padStart(6)} ${row.okPerSecond.toFixed(0).padStart(5)} ${ms(row.p50).padStart(8)} ${ms(row.p99).padStart(8)} ${ms(row.max).padStart(8)} ${String(row.errors).padStart(7)}   ${mb(row.rss)}    ${mb(row.heapUsed)}  ${pc(row.serviceCpu, 12)} ${pc(row.generatorCpu, 10)} ${pc(row.otherCpu, 7)} ${pc(row.iowait, 7)}`,
      );
    }

    // Memory over the last half of the measured window.
    const halfFrom = opts.warmup + opts.seconds / 2;
    const halfTo = opts.warmup + opts.seconds;
    const half = samples.filter((s) => s.t >= halfFrom && s.t <= halfTo + 0.5);
    const rssGrowth = growthOf(half.filter((s) => s.rss !== undefined).map((s) => ({ t: s.t, v: s.rss! })));
    const heapGrowth = growthOf(half.filter((s) => s.heapUsed !== undefined).map((s) => ({ t: s.t, v: s.heapUsed! })));

    console.log(`\nresults over the ${windowSeconds} s measured window (${measuredCount} requests sent, ${opts.warmup} s warm-up not counted)`);
    console.log(`  sent            ${(measuredCount / windowSeconds).toFixed(1)}/s  (send lag behind the clock: p99 ${ms(lagStats?.p99)} ms, max ${ms(lagStats?.max)} ms)`);
    console.log(`  throughput      ${throughput.toFixed(1)} advice replies/s arriving in the window`);
    if (lat) console.log(`  latency         p50 ${ms(lat.p50)} ms  p95 ${ms(lat.p95)} ms  p99 ${ms(lat.p99)} ms  max ${ms(lat.max)} ms  (n=${lat.n} advice replies, request sent → reply at the double)`);
    for (const platform of ['slack', 'teams'] as const) {
      const l = latencyStats(latByPlatform[platform]);
      if (l) console.log(`    ${platform.padEnd(13)} p50 ${ms(l.p50)} ms  p95 ${ms(l.p95)} ms  p99 ${ms(l.p99)} ms  max ${ms(l.max)} ms  (n=${l.n})`);
    }
    const ack = latencyStats(ackLatencies);
    if (ack) console.log(`    slack HTTP ack p50 ${ms(ack.p50)} ms  p99 ${ms(ack.p99)} ms  max ${ms(ack.max)} ms (the 200 to Slack, before the work)`);
    console.log(`  errors          ${errorCount}${errors.length ? `: ${errors.map(([k, n]) => `${k} ${n}`).join(', ')}` : ''}${stillPending ? ` (${stillPending} still pending at the end)` : ''}`);
    console.log('  mix             ' + [...byKind.entries()].map(([k, s]) => `${k} ${s.sent}`).join(', ') + (info.followUpFallbacks ? ` (${info.followUpFallbacks} follow-ups opened a case instead: no idle case yet)` : ''));
    console.log(
      `  side traffic    slack: ${info.supervisorPingsSlack} supervisor pings, ${info.slackUpdates} chat.update, ${info.slackUnmatched} unmatched posts; teams: ${info.teamsPings} supervisor pings, ${info.teamsUpdates} updates, ${info.teamsUnmatched} unmatched replies; ${teamsAgents} Teams agents` +
        (opts.companions ? `; ${info.companions} message.channels companions (${info.companionErrors} failed${companionFailures.size ? `: ${[...companionFailures].map(([k, n]) => `${k} ${n}`).join(', ')}` : ''})` : ''),
    );
    const unmatchedTop = [...unmatchedTexts.entries()].sort((x, y) => y[1] - x[1]).slice(0, 6);
    for (const [text, n] of unmatchedTop) console.log(`    unmatched ${String(n).padStart(6)} × ${text}`);
    console.log(
      `  CPU             service ${svcCpu === undefined ? '-' : `${svcCpu.toFixed(0)}%`}, generator + doubles ${genCpu.toFixed(0)}%, other processes ${otherCpu === undefined ? '-' : `${otherCpu.toFixed(0)}%`}, iowait ${machine ? `${machine.iowait.toFixed(0)}%` : '-'} (% of one core; ${cpus().length} cores = ${cpus().length * 100}%)`,
    );
    const cpuMsPerTurn = svcCpu !== undefined && throughput > 0 ? (svcCpu * 10) / throughput : undefined;
    if (cpuMsPerTurn !== undefined) {
      console.log(`  service cost    ${cpuMsPerTurn.toFixed(2)} ms of CPU per advice reply (everything the service did in the window / replies): at most ~${(1000 / cpuMsPerTurn).toFixed(0)} turns/s on one whole core`);
    }
    console.log(`  generator       event-loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`);
    const growthLine = (label: string, g: Growth | undefined) =>
      g
        ? `  ${label.padEnd(15)} ${mb(g.first).trim()} → ${mb(g.last).trim()} MB (${percent(g.growth)} first→last); fit ${(g.slopePerSecond / 1024).toFixed(1)} KB/s = ${percent(g.fitGrowth)} over the half (${g.samples} samples, t ${halfFrom}–${halfTo} s)`
        : `  ${label.padEnd(15)} not enough samples`;
    console.log(growthLine('RSS growth', rssGrowth));
    console.log(growthLine('heap growth', heapGrowth));

    const memoryTarget = (label: string, g: Growth | undefined) => ({
      name: `${label} growth <= ${TARGET.memoryGrowth * 100}% (last half, linear fit)`,
      value: g ? `${percent(g.fitGrowth)} (first→last ${percent(g.growth)})` : 'not enough samples',
      pass: g !== undefined && g.fitGrowth <= TARGET.memoryGrowth,
    });
    const minStep = Math.min(...series.filter((r) => r.phase === 'measure').map((r) => r.okPerSecond as number));
    const full = opts.rate >= TARGET.rate && opts.seconds >= TARGET.seconds;
    const targets = [
      {
        name: `throughput >= ${TARGET.rate}/s sustained ${TARGET.seconds} s`,
        value: `${throughput.toFixed(1)}/s (lowest 5 s step ${Number.isFinite(minStep) ? minStep.toFixed(0) : '-'}/s)${full ? '' : `; this run: ${opts.rate}/s for ${opts.seconds} s`}`,
        pass: full && throughput >= TARGET.rate * 0.99 && minStep >= TARGET.rate * 0.9,
      },
      { name: `p99 < ${TARGET.p99Ms} ms`, value: lat ? `${ms(lat.p99)} ms` : 'no replies', pass: lat !== undefined && lat.p99 < TARGET.p99Ms },
      { name: 'no errors', value: String(errorCount), pass: errorCount === 0 && stillPending === 0 },
      // Judged on the fitted line: the heap saws up and down by tens of MB between collections,
      // so two single samples say more about where GC happened to be than about a leak.
      memoryTarget('RSS', rssGrowth),
      memoryTarget('heap', heapGrowth),
    ];
    console.log(`\ntargets (${TARGET.rate} coaching turns/s for ${TARGET.seconds} s on SQLite, p99 < ${TARGET.p99Ms} ms, no errors, memory growth <= ${TARGET.memoryGrowth * 100}% over the last half)`);
    for (const t of targets) console.log(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.name.padEnd(40)} ${t.value}`);

    // Stop the service before reading its profile: --cpu-prof writes it at exit.
    await stopTarget(target, pid);
    target = undefined;
    let profile: ProfileSummary | undefined;
    if (profileDir) {
      const files = readdirSync(profileDir)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(profileDir, f))
        .filter((f) => statSync(f).mtimeMs >= startedAt)
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
      if (files[0]) {
        profile = summariseProfile(files[0], 25, hrWindow);
        printProfile(profile);
      } else {
        console.log(`\nno .cpuprofile was written to ${profileDir}`);
      }
    }

    if (opts.json) {
      const result = {
        at: new Date(startedAt).toISOString(),
        node: process.version,
        cpus: cpus().length,
        loadAverageBefore: loadAvgBefore,
        settings: {
          rate: opts.rate,
          seconds: opts.seconds,
          warmup: opts.warmup,
          seed: opts.seed,
          companions: opts.companions,
          userLimitPerMinute: opts.userLimit,
          workspaceLimitPerMinute: opts.workspaceLimit,
          followUpShare: FOLLOW_UP_SHARE,
          replyTimeoutMs: REPLY_TIMEOUT_MS,
        },
        sent: measuredCount,
        sentPerSecond: measuredCount / windowSeconds,
        sendLagMs: lagStats,
        throughput,
        latencyMs: lat,
        latencyByPlatformMs: { slack: latencyStats(latByPlatform.slack), teams: latencyStats(latByPlatform.teams) },
        latencyByKindMs: Object.fromEntries([...byKind.entries()].map(([k, s]) => [k, { sent: s.sent, ok: s.ok, ...latencyStats(s.lat) }])),
        slackAckMs: ack,
        errors: Object.fromEntries(errors),
        errorCount,
        stillPending,
        sideTraffic: { ...info, companionFailures: Object.fromEntries(companionFailures), teamsAgents, unmatched: Object.fromEntries(unmatchedTexts) },
        cpu: { serviceMsPerReply: cpuMsPerTurn, servicePercent: svcCpu, generatorPercent: genCpu, otherProcessesPercent: otherCpu, iowaitPercent: machine?.iowait, generatorEventLoopDelayMs: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 } },
        memory: { lastHalf: { from: halfFrom, to: halfTo, rss: rssGrowth, heapUsed: heapGrowth }, samples },
        series,
        targets,
        profile,
      };
      writeFileSync(resolve(opts.json), `${JSON.stringify(result, null, 2)}\n`);
      console.log(`\nJSON written to ${resolve(opts.json)}`);
    }
  } finally {
    agent.destroy();
    if (target) await stopTarget(target, pid);
    await slack.stop();
    await connector.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** SIGTERM and wait (startTarget's stop); SIGKILL if the service has not exited within 15 s. */
async function stopTarget(target: { stop: () => Promise<void> }, pid: number | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([target.stop().then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 15_000)))]);
  clearTimeout(timer);
  if (!stopped && pid !== undefined) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

try {
  await main();
} catch (err) {
  console.error(`load: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
}

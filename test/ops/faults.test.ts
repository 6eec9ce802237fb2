/**
 * Faults in what the service depends on, with the real service and signed Slack requests:
 *  1. PostgreSQL stopped and started again under the running service (in this process, so an
 *     unhandled 'error' from a pg client would surface here as an uncaught exception);
 *  2. the service process SIGKILLed and started again on the same SQLite data directory;
 *  3. the Slack Web API answering 429 and 500 before it succeeds, or failing for good.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { APOLOGY } from '../../src/core/channel/present.ts';
import { sqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { slackDrillId } from '../../src/slack/slack-drills.ts';
import { SlackDouble, type Call } from '../slack/slack-double.ts';
import { BOT, nextTs, SECRET, sendEvent, startHarness, type Harness } from '../slack/slack-harness.ts';
import { createCluster, postgresBin, type Cluster } from './faults-pg.ts';
import { sendEventTo, settled, slashTo, spawnService, type ServiceProcess } from './faults-process.ts';

type Posted = { channel: string; thread_ts?: string; ts?: string; text: string; blocks?: unknown[]; metadata?: { event_type: string; event_payload: Record<string, unknown> } };
const posted = (c: Call) => c.body as unknown as Posted;
const inThread = (thread: string) => (c: Call) => posted(c).thread_ts === thread;
const isAdvice = (c: Call) => posted(c).metadata?.event_type === 'defuse_advice';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A user-facing line: short, calm, says to try again, and shows nothing of the machinery. */
function expectCalmApology(text: string): void {
  expect(text).toMatch(/sorry|try again|again in a moment/i);
  expect(text).not.toMatch(/Error\b|ECONN|\bat \S+\.(ts|js)|postgres|stack|undefined|\{/i);
  expect(text.length).toBeLessThan(300);
}

// ---- 1. PostgreSQL stopped and restarted --------------------------------------------------

describe('PostgreSQL stopped and restarted mid-run', () => {
  const bin = postgresBin();
  let cluster: Cluster | undefined;
  let h: Harness | undefined;
  const crashes: unknown[] = [];
  const onCrash = (err: unknown) => crashes.push(err);
  afterAll(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await h?.stop().catch(() => undefined);
    // Stopped and removed even when the test failed half-way (the server may be down or up).
    await cluster?.destroy();
  });

  const name = 'answers turns during the outage with an apology, recovers by itself, and loses nothing committed';
  if (!bin) {
    it.skip(`${name} (skipped: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin; .ci/run installs them)`, () => {});
    return;
  }

  it(name, async () => {
    // Any 'error' event nobody listens to (a pg client losing its server) or rejection nobody
    // handles ends up here instead of killing the process, so the test can say what it was.
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    cluster = await createCluster(bin);
    h = await startHarness({ DATABASE_URL: cluster.url, RATE_LIMIT_USER_PER_MINUTE: '0' });
    expect(h.service.store.kind).toBe('postgres');
    const pool = (h.service.store as unknown as { pool: pg.Pool }).pool;
    let removed = 0;
    pool.on('remove', () => removed++);
    const slack = h.slack;
    const top = nextTs();
    const caseId = `slack:T1:C_PG:${top}`;
    const thread = inThread(top);
    const mention = (text: string, threaded = true) =>
      sendEvent(h!, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> ${text}`, ts: threaded ? nextTs() : top, ...(threaded ? { thread_ts: top } : {}), channel: 'C_PG' });

    // Before: three turns on one case, each answered with advice.
    const before = [
      'customer: my parcel is two weeks late and nobody answers my emails',
      "customer: this is the third time I'm asking where it is",
      'Me: I am sorry, let me check the courier now\nCustomer: fine but hurry up please',
    ];
    await mention(before[0]!, false);
    await slack.waitFor('chat.postMessage', 1, (c) => thread(c) && isAdvice(c));
    for (const [i, text] of before.slice(1).entries()) {
      await mention(text);
      await slack.waitFor('chat.postMessage', i + 2, (c) => thread(c) && isAdvice(c));
    }
    const stored = (await h.service.store.cases.get(caseId))!;
    expect(stored.turns.filter((t) => t.role === 'customer')).toHaveLength(3);

    // The outage: the server goes away under pooled connections.
    await cluster.stop();
    const ready = await fetch(`${h.base}/readyz`);
    expect(ready.status).toBe(503);
    const during = ['customer: hello?? is anyone there', 'customer: I want a refund today'];
    for (const [i, text] of during.entries()) {
      const r = await mention(text);
      expect(r.status).toBe(200);
      const replies = await slack.waitFor('chat.postMessage', i + 1, (c) => thread(c) && !isAdvice(c), 10_000);
      expectCalmApology(posted(replies[i]!).text);
      // Said for what it is: the case memory is out of reach, nothing was saved.
      expect(posted(replies[i]!).text).toMatch(/can't reach its case memory right now, so nothing was saved/);
    }
    expect(slack.of('chat.postMessage').filter((c) => thread(c) && isAdvice(c))).toHaveLength(3);
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    // The pooled connections were really cut (the pool dropped them), and nothing crashed.
    expect(removed).toBeGreaterThan(0);
    expect(crashes).toEqual([]);
    expect(h.logs.some((l) => l.includes('"msg":"event failed"') && l.includes('"code":"store_unavailable"'))).toBe(true);

    // The server comes back: the same service, not restarted, answers the next turn.
    await cluster.start();
    expect((await fetch(`${h.base}/readyz`)).status).toBe(200);
    await mention('customer: ok, where is my parcel now?');
    const advice = await slack.waitFor('chat.postMessage', 4, (c) => thread(c) && isAdvice(c), 10_000);
    expect(posted(advice[3]!).metadata!.event_payload.case_id).toBe(caseId);
    // A new case opens too.
    const other = nextTs();
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: my bill is wrong again`, ts: other, channel: 'C_PG' });
    await slack.waitFor('chat.postMessage', 1, (c) => inThread(other)(c) && isAdvice(c), 10_000);

    // Nothing committed before the outage was lost; the turns refused during it were not half-stored.
    const after = (await h.service.store.cases.get(caseId))!;
    const customerText = after.turns.filter((t) => t.role === 'customer').map((t) => t.text).join('\n');
    for (const text of ['two weeks late', 'third time', 'hurry up', 'where is my parcel now']) expect(customerText).toContain(text);
    for (const text of ['is anyone there', 'refund today']) expect(customerText).not.toContain(text);
    expect(after.turns.filter((t) => t.role === 'customer')).toHaveLength(4);
    expect(after.turns.map((t) => t.seq)).toEqual(after.turns.map((_, i) => i + 1));
    expect(crashes).toEqual([]);
  }, 180_000);
});

// ---- 2. The process killed and restarted ----------------------------------------------------

describe('the service process killed (SIGKILL) and started again on the same data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'defuse-faults-kill-'));
  const slack = new SlackDouble();
  const children: ServiceProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('continues the case (same id, more history), keeps the escalation without a second ping, and the drill takes the next reply', async () => {
    await slack.start();
    const env = { DATA_DIR: dir, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, SLACK_ESCALATION_CHANNEL: 'C0SUPERVISE' };
    const supervisors = (c: Call) => posted(c).channel === 'C0SUPERVISE';
    const first = await spawnService(env);
    children.push(first);

    // A case with an escalation (a legal threat), continued once.
    const top = nextTs();
    const caseId = `slack:T1:C_SUPPORT:${top}`;
    await sendEventTo(first.base, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: I'm calling my lawyer about this, three weeks and no refund`, ts: top, channel: 'C_SUPPORT' });
    await sendEventTo(first.base, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: still nothing, my lawyer will hear about it`, ts: nextTs(), thread_ts: top, channel: 'C_SUPPORT' });
    // A drill, one reply in.
    await slashTo(first.base, slack.origin, 'drill late-delivery normal', 'U_TRAINEE', 'C_TRAIN');
    const [named] = await slack.waitFor('chat.update', 1, (c) => posted(c).metadata?.event_payload.drill_id !== 'pending' && posted(c).metadata?.event_type === 'defuse_drill', 10_000);
    const drillThread = String(named!.body.ts);
    const drillId = slackDrillId('T1', 'C_TRAIN', drillThread);
    await sendEventTo(first.base, { type: 'message', user: 'U_TRAINEE', text: "I'm so sorry, a missed birthday present is awful.", channel: 'C_TRAIN', channel_type: 'channel', ts: nextTs(), thread_ts: drillThread });
    await settled(first.base, 4);
    const pingsBefore = slack.of('chat.postMessage').filter((c) => supervisors(c) && !posted(c).thread_ts);
    expect(pingsBefore).toHaveLength(1);
    expect(posted(pingsBefore[0]!).metadata!.event_payload).toMatchObject({ case_id: caseId, reasons: 'threat_legal' });
    expect(slack.of('chat.postMessage').filter((c) => inThread(top)(c) && isAdvice(c))).toHaveLength(2);

    // SIGKILL: no graceful stop, no closing of the database.
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    // What the killed process had committed is all there.
    const peek = sqliteStore(join(dir, 'defuse.sqlite'));
    const killedCase = (await peek.cases.get(caseId))!;
    const escalations = await peek.escalations.forCase(caseId);
    const drillBefore = (await peek.drills.get(drillId))!;
    await peek.close();
    expect(killedCase.turns.filter((t) => t.role === 'customer')).toHaveLength(2);
    expect(escalations.map((e) => e.reason)).toEqual(['threat_legal']);
    // The ping's reference (slack:<channel>:<ts>) was recorded before the kill.
    expect(escalations[0]!.notified).toHaveLength(1);
    const pingRef = escalations[0]!.notified[0]!;
    expect(pingRef).toMatch(/^slack:C0SUPERVISE:\d+\.\d+$/);
    expect(drillBefore.status).toBe('active');
    expect((drillBefore.state as { drill: { turn: number } }).drill.turn).toBe(1);

    // Started again on the same data directory.
    const second = await spawnService(env);
    children.push(second);
    const callsBefore = slack.calls.length;
    // The case continues: the same legal threat again, then a new reason (a manager demand).
    await sendEventTo(second.base, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: I told you, my lawyer is waiting for your answer`, ts: nextTs(), thread_ts: top, channel: 'C_SUPPORT' });
    await sendEventTo(second.base, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: get me your manager right now`, ts: nextTs(), thread_ts: top, channel: 'C_SUPPORT' });
    // The drill takes the next reply.
    await sendEventTo(second.base, { type: 'message', user: 'U_TRAINEE', text: 'Could you tell me what happened with the order?', channel: 'C_TRAIN', channel_type: 'channel', ts: nextTs(), thread_ts: drillThread });
    await settled(second.base, 3);
    const sinceRestart = slack.calls.slice(callsBefore);
    const adviceAfter = sinceRestart.filter((c) => c.method === 'chat.postMessage' && inThread(top)(c) && isAdvice(c));
    expect(adviceAfter).toHaveLength(2);
    for (const c of adviceAfter) expect(posted(c).metadata!.event_payload.case_id).toBe(caseId);
    // The second reading knows the first process's turns: a trend across the thread.
    expect(posted(adviceAfter[0]!).metadata!.event_payload.trend).not.toBe('none');
    // Not pinged twice: the one ping is updated in place with the new reason, no new ping post.
    expect(sinceRestart.filter((c) => c.method === 'chat.postMessage' && supervisors(c) && !posted(c).thread_ts)).toHaveLength(0);
    const updates = sinceRestart.filter((c) => c.method === 'chat.update' && supervisors(c));
    expect(updates).toHaveLength(1);
    expect(`slack:C0SUPERVISE:${String(updates[0]!.body.ts)}`).toBe(pingRef);
    expect(String(posted(updates[0]!).text)).toContain('demands_manager');
    const drillReply = sinceRestart.filter((c) => c.method === 'chat.postMessage' && inThread(drillThread)(c));
    expect(drillReply).toHaveLength(1);
    expect(posted(drillReply[0]!).metadata).toMatchObject({ event_type: 'defuse_drill', event_payload: { drill_id: drillId, turn: 2 } });
    expect(second.logs()).not.toMatch(/"level":"error"/);

    // Stopped gracefully this time; the store holds the whole story.
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const end = sqliteStore(join(dir, 'defuse.sqlite'));
    try {
      const c = (await end.cases.get(caseId))!;
      expect(c.turns.filter((t) => t.role === 'customer')).toHaveLength(4);
      expect(c.turns.length).toBeGreaterThan(killedCase.turns.length);
      expect(c.turns.map((t) => t.seq)).toEqual(c.turns.map((_, i) => i + 1));
      const reasons = await end.escalations.forCase(caseId);
      expect(reasons.map((e) => e.reason).sort()).toEqual(['demands_manager', 'threat_legal']);
      // Both reasons point at the one ping.
      expect([...new Set(reasons.flatMap((e) => e.notified.filter((n) => n.startsWith('slack:'))))]).toEqual([pingRef]);
      expect(((await end.drills.get(drillId))!.state as { drill: { turn: number } }).drill.turn).toBe(2);
    } finally {
      await end.close();
    }
  }, 90_000);
});

// ---- 3. The Slack API failing -----------------------------------------------------------------
// test/slack/slack-e2e.test.ts covers one 429 with Retry-After being waited out; what it does not
// cover is that a retried call lands once (no second copy of the answer, no apology on top of
// it) after a 429 and a 500, and that a Web API that keeps failing is retried a bounded number
// of times without taking the service down.

describe('the Slack Web API answering 429 and 500', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('retries a 429 (after Retry-After) and then a 500, and the agent sees the answer once', async () => {
    h = await startHarness();
    h.slack.failOnce('chat.postMessage', { status: 429, error: 'ratelimited', retryAfter: 1 });
    h.slack.failOnce('chat.postMessage', { status: 500, error: 'internal_error' });
    const top = nextTs();
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: my order never came`, ts: top, channel: 'C_SUPPORT' });
    const calls = await h.slack.waitFor('chat.postMessage', 3, inThread(top), 10_000);
    // Quiet for a while: nothing more arrives (no fourth attempt, no apology).
    await sleep(1_500);
    const all = h.slack.of('chat.postMessage').filter(inThread(top));
    expect(all).toHaveLength(3);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(900);
    // The same message each time: one answer retried, not three answers.
    expect(all.every((c) => JSON.stringify(c.body) === JSON.stringify(all[0]!.body))).toBe(true);
    expect(isAdvice(all[2]!)).toBe(true);
    expect(all.some((c) => posted(c).text === APOLOGY)).toBe(false);
    // Coached once: the case holds one customer turn.
    const c = (await h.service.store.cases.get(`slack:T1:C_SUPPORT:${top}`))!;
    expect(c.turns.filter((t) => t.role === 'customer')).toHaveLength(1);
  }, 20_000);

  it('gives up after a bounded number of retries when Slack keeps failing, and serves the next event', async () => {
    h = await startHarness();
    // Exactly as many failures as the client may try twice over (the answer, then the apology):
    // a client that retried more would get the answer through and fail the checks below.
    for (let i = 0; i < 8; i++) h.slack.failOnce('chat.postMessage', { status: 500, error: 'internal_error' });
    const top = nextTs();
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: where is my refund`, ts: top, channel: 'C_SUPPORT' });
    // The answer: 1 try + 3 retries; then the apology, also 1 + 3; then nothing.
    await h.slack.waitFor('chat.postMessage', 8, inThread(top), 15_000);
    await sleep(1_500);
    const tries = h.slack.of('chat.postMessage').filter(inThread(top));
    expect(tries).toHaveLength(8);
    expect(tries.slice(0, 4).every(isAdvice)).toBe(true);
    expect(tries.slice(4).every((c) => posted(c).text === APOLOGY)).toBe(true);
    expect(h.logs.some((l) => l.includes('"msg":"coaching failed"'))).toBe(true);
    // The service is fine: with Slack back, the next event is answered once.
    const next = nextTs();
    await sendEvent(h, { type: 'app_mention', user: 'U_AGENT', text: `<@${BOT}> customer: hello?`, ts: next, channel: 'C_SUPPORT' });
    await h.slack.waitFor('chat.postMessage', 1, inThread(next), 5_000);
    await sleep(300);
    expect(h.slack.of('chat.postMessage').filter(inThread(next))).toHaveLength(1);
  }, 30_000);
});

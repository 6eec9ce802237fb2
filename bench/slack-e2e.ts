/**
 * End-to-end Slack benchmark: signed app_mention events over HTTP into the service, replies
 * timed when chat.postMessage reaches the local Slack double. The same load runs against a
 * bare Bolt app that answers every mention with a fixed text, in the same run (each in a
 * process of its own),
 * so the comparison shows what Defuse itself costs. Targets: throughput >= 0.8 of the bare
 * app's; p99 < 50 ms at 20 concurrent requests.
 */
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SlackDouble } from '../test/slack/slack-double.ts';
import { BENCH_MESSAGES, compareTargets, CONCURRENCY, runLoad, type Comparison, type LoadResult, type Target } from './target-process.ts';

const SECRET = '0f0e0d0c0b0a09080706050403020100';

async function drive(label: string, target: Target, round: number, slack: SlackDouble, n: number): Promise<LoadResult> {
  const waiting = new Map<string, () => void>();
  slack.onCall = (c) => {
    if (c.method !== 'chat.postMessage') return;
    const done = waiting.get(String(c.body.thread_ts));
    if (done) {
      waiting.delete(String(c.body.thread_ts));
      done();
    }
  };
  const one = async (k: number): Promise<number> => {
    // Every round opens cases of its own: new threads and event ids.
    const i = round * 100_000 + k;
    const ts = `${1_800_000_000 + i}.${String(i % 1000).padStart(6, '0')}`;
    const body = JSON.stringify({
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: `EvBench${label}${i}`,
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_mention', user: 'U_AGENT', text: `<@UBOT> ${BENCH_MESSAGES[i % BENCH_MESSAGES.length]}`, ts, event_ts: ts, channel: 'C_BENCH' },
      authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
    });
    const stamp = Math.floor(Date.now() / 1000);
    const sig = createHmac('sha256', SECRET).update(`v0:${stamp}:${body}`).digest('hex');
    const t0 = performance.now();
    const replied = new Promise<void>((resolve) => waiting.set(ts, resolve));
    const res = await fetch(`${target.base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(stamp), 'x-slack-signature': `v0=${sig}` },
      body,
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status}`);
    await replied;
    return performance.now() - t0;
  };
  // The warm-up (JIT, connection pools, the first auth.test) is runLoad's.
  return runLoad(label, n, CONCURRENCY, one, target.cpuMs, target.mainCpuMs);
}

export async function benchSlack(n = 2000): Promise<Comparison> {
  const slack = new SlackDouble();
  slack.record = false;
  await slack.start();
  try {
    return await compareTargets('./slack-target.ts', 'bare Bolt app', { SLACK_API_URL: slack.url, BENCH_SECRET: SECRET }, (label, target, round) => drive(label, target, round, slack, n));
  } finally {
    await slack.stop();
  }
}

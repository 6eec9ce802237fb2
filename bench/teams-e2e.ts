/**
 * End-to-end Teams benchmark: message activities POSTed to /api/messages, replies timed when
 * they reach the local Bot Connector double. The same load runs against a bare CloudAdapter
 * echo bot in the same run, so the comparison shows what Defuse itself costs. Target:
 * throughput >= 0.8 of the bare bot's.
 */
import { performance } from 'node:perf_hooks';
import { ConnectorDouble } from '../test/teams/connector-double.ts';
import { BENCH_MESSAGES, compareTargets, CONCURRENCY, runLoad, type Comparison, type LoadResult, type Target } from './target-process.ts';


async function drive(label: string, target: Target, round: number, connector: ConnectorDouble, n: number): Promise<LoadResult> {
  const waiting = new Map<string, () => void>();
  connector.onCall = (c) => {
    if (c.kind !== 'reply' || !c.activityId) return;
    const done = waiting.get(c.activityId);
    if (done) {
      waiting.delete(c.activityId);
      done();
    }
  };
  const one = async (k: number): Promise<number> => {
    // Every round opens conversations of its own.
    const i = round * 100_000 + k;
    const id = `${label.length}${1_800_000_000_000 + i}`;
    // A conversation per message, as each Slack event has a thread of its own.
    const activity = {
      type: 'message',
      id,
      timestamp: new Date().toISOString(),
      serviceUrl: connector.url,
      channelId: 'msteams',
      from: { id: `29:agent-${i % CONCURRENCY}`, name: 'Agent', aadObjectId: `aad-${i % CONCURRENCY}` },
      conversation: { id: `a:bench-${label.length}-${i}`, conversationType: 'personal', tenantId: 'bench-tenant' },
      recipient: { id: '28:bot', name: 'Defuse' },
      text: BENCH_MESSAGES[i % BENCH_MESSAGES.length],
      textFormat: 'plain',
      channelData: { tenant: { id: 'bench-tenant' } },
    };
    const t0 = performance.now();
    const replied = new Promise<void>((resolve) => waiting.set(id, resolve));
    const res = await fetch(`${target.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status}`);
    await replied;
    return performance.now() - t0;
  };
  return runLoad(label, n, CONCURRENCY, one, target.cpuMs, target.mainCpuMs);
}

export async function benchTeams(n = 2000): Promise<Comparison> {
  const connector = new ConnectorDouble();
  connector.record = false;
  await connector.start();
  try {
    return await compareTargets('./teams-target.ts', 'bare CloudAdapter bot', {}, (label, target, round) => drive(label, target, round, connector, n));
  } finally {
    await connector.stop();
  }
}

/**
 * End-to-end Teams benchmark: message activities POSTed to /api/messages, replies timed when
 * they reach the local Bot Connector double. The same load runs against a bare CloudAdapter
 * echo bot in the same run, so the comparison shows what Defuse itself costs. Target:
 * throughput >= 0.8 of the bare bot's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConnectorDouble } from '../test/teams/connector-double.ts';
import { runLoad, startTarget, type LoadResult } from './target-process.ts';

const CONCURRENCY = 20;
/** The same customer messages as the Slack section: none calls for a supervisor. */
const MESSAGES = [
  "This is the third time I'm writing about the double charge, I want it refunded today",
  'this is RIDICULOUS, the app logged me out again and nobody is helping',
  "I'm really worried, my flight is tomorrow and the passport still hasn't arrived",
  'ok thanks, that sorts it, have a good day',
  "Honestly I'm not angry, just disappointed: the app keeps crashing when I pay",
];

async function drive(label: string, base: string, connector: ConnectorDouble, n: number): Promise<LoadResult> {
  const waiting = new Map<string, () => void>();
  connector.onCall = (c) => {
    if (c.kind !== 'reply' || !c.activityId) return;
    const done = waiting.get(c.activityId);
    if (done) {
      waiting.delete(c.activityId);
      done();
    }
  };
  const one = async (i: number): Promise<number> => {
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
      text: MESSAGES[i % MESSAGES.length],
      textFormat: 'plain',
      channelData: { tenant: { id: 'bench-tenant' } },
    };
    const t0 = performance.now();
    const replied = new Promise<void>((resolve) => waiting.set(id, resolve));
    const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status}`);
    await replied;
    return performance.now() - t0;
  };
  return runLoad(label, n, CONCURRENCY, one);
}

export async function benchTeams(n = 2000): Promise<LoadResult[]> {
  const connector = new ConnectorDouble();
  connector.record = false;
  await connector.start();
  const dir = mkdtempSync(join(tmpdir(), 'defuse-bench-teams-'));
  const results: LoadResult[] = [];
  try {
    for (const [kind, label] of [
      ['bare', 'bare CloudAdapter bot'],
      ['defuse', 'Defuse (SQLite)'],
    ] as const) {
      const target = await startTarget('./teams-target.ts', kind, { DATA_DIR: dir });
      try {
        results.push(await drive(label, target.base, connector, n));
      } finally {
        await target.stop();
      }
    }
  } finally {
    await connector.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

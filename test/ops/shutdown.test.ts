/**
 * Graceful shutdown, as `npm start` does it on SIGTERM: the real service in its own process,
 * a slow Slack so turns are still running when the signal comes. Every event Slack was told
 * was accepted (HTTP 200) gets its answer and its case in the store before the process exits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { BOT, eventEnvelope, nextTs, sign, SECRET } from '../slack/slack-harness.ts';
import { SlackDouble } from '../slack/slack-double.ts';

const root = new URL('../../', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('graceful shutdown', () => {
  it('on SIGTERM refuses new requests, finishes every accepted turn, closes the store and exits 0', async () => {
    const slack = new SlackDouble();
    await slack.start();
    // Each reply takes 300 ms to reach Slack: five turns are mid-flight when SIGTERM arrives.
    slack.delayMs = 300;
    const dir = mkdtempSync(join(tmpdir(), 'defuse-stop-'));
    dirs.push(dir);
    const child = spawn(process.execPath, ['src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: '0', DATA_DIR: dir, TEAMS_ENABLED: 'false', SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.url, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stderr.on('data', (d: Buffer) => (logs += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start: ${logs}`)), 15_000);
        child.stderr.on('data', () => {
          const m = /"msg":"defuse started"[^\n]*"port":(\d+)|"port":(\d+)[^\n]*"msg":"defuse started"/.exec(logs);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1] ?? m[2]));
          }
        });
      });
      const base = `http://127.0.0.1:${port}`;
      const send = (i: number) => {
        const body = eventEnvelope({ type: 'app_mention', user: `U_AGENT${i}`, text: `<@${BOT}> customer: my refund is ${i + 2} weeks late and nobody answers`, ts: nextTs(), channel: 'C_STOP' });
        return fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...sign(body) }, body });
      };
      const accepted = await Promise.all([0, 1, 2, 3, 4].map(send));
      expect(accepted.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      child.kill('SIGTERM');
      // A request after the signal is refused (503 while draining, or the port is closed). It
      // goes once the service says it is stopping: a fixed pause was too short on a busy
      // machine, and the request raced the signal.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "stopping" log: ${logs}`)), 10_000);
        const check = () => {
          if (!/"msg":"stopping"/.test(logs)) return;
          clearTimeout(timer);
          child.stderr.off('data', check);
          resolve();
        };
        child.stderr.on('data', check);
        check();
      });
      const late = await send(5).then((r) => r.status, () => 'refused');
      expect([503, 'refused']).toContain(late);
      expect(await exited).toBe(0);

      const posted = slack.of('chat.postMessage').filter((c) => c.body.channel === 'C_STOP' && c.body.metadata !== undefined);
      expect(posted).toHaveLength(5);
      expect(logs).toMatch(/"msg":"stopped"[^\n]*"unfinishedTurns":0|"unfinishedTurns":0[^\n]*"msg":"stopped"/);
      // The store was closed cleanly, with every accepted case in it.
      const store = sqliteStore(join(dir, 'defuse.sqlite'));
      try {
        const ids = posted.map((c) => (c.body.metadata as { event_payload: { case_id: string } }).event_payload.case_id);
        for (const id of ids) expect((await store.cases.get(id))?.turns.length, id).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    } finally {
      child.kill('SIGKILL');
      await slack.stop();
    }
  }, 40_000);
});

/** Socket Mode: the real service and Bolt's SocketModeReceiver against a local WebSocket double. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { startService } from '../../src/main.ts';
import { SlackDouble } from './slack-double.ts';
import { SocketDouble } from './socket-double.ts';

describe('Slack in Socket Mode', () => {
  it('connects with the app token, acknowledges an event envelope and answers in the thread', async () => {
    const api = new SlackDouble();
    await api.start();
    const socket = new SocketDouble();
    await socket.start();
    api.socketUrl = socket.url;
    const dir = mkdtempSync(join(tmpdir(), 'defuse-socket-'));
    const config = readConfig({ PORT: '0', DATA_DIR: dir, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_APP_TOKEN: 'xapp-1-A1-test', SLACK_API_URL: api.url });
    const logs: string[] = [];
    const service = await startService(config, createLogger('info', (l) => logs.push(l)));
    try {
      await socket.waitConnected();
      expect(api.of('apps.connections.open')).toHaveLength(1);
      // No request URL in Socket Mode: /slack/events is not served.
      expect((await fetch(`http://127.0.0.1:${service.port}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
      const ts = '1700009999.000100';
      socket.sendEvent('env-1', {
        team_id: 'T1',
        api_app_id: 'A1',
        type: 'event_callback',
        event_id: 'EvSOCKET1',
        event_time: 1700009999,
        event: { type: 'app_mention', user: 'U_AGENT', text: '<@UBOT> customer: I was charged twice and nobody answers my emails', ts, event_ts: ts, channel: 'C_SUPPORT' },
        authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
      });
      await socket.waitAck('env-1');
      const [reply] = await api.waitFor('chat.postMessage');
      expect(reply!.body).toMatchObject({ channel: 'C_SUPPORT', thread_ts: ts });
      expect((reply!.body.metadata as { event_type: string }).event_type).toBe('defuse_advice');
      // No HTTP request carries the turn: its log lines take Slack's event id as request id.
      // The line is written once chat.postMessage has answered, which can be just after the
      // double has recorded the call, so wait for it rather than read at once.
      const coached = await vi.waitFor(() => {
        const line = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'coached');
        if (!line) throw new Error('no "coached" log line yet');
        return line;
      });
      expect(coached).toMatchObject({ channel: 'slack', requestId: 'EvSOCKET1' });
    } finally {
      await service.stop();
      await socket.stop();
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

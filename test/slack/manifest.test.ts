import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SHORTCUT_COACH, SLACK_EVENTS_PATH } from '../../src/slack/slack-app.ts';

describe('the Slack app manifest', () => {
  const m = parse(readFileSync(new URL('../../manifest/slack.yaml', import.meta.url), 'utf8'));

  it('points every request URL at the one events path, with an obvious placeholder host', () => {
    const urls = [m.settings.event_subscriptions.request_url, m.settings.interactivity.request_url, ...m.features.slash_commands.map((c: { url: string }) => c.url)];
    for (const u of urls) expect(u).toBe(`https://defuse.example.com${SLACK_EVENTS_PATH}`);
  });

  it('subscribes to the events the app listens to, and asks only for the scopes it uses', () => {
    expect(m.settings.event_subscriptions.bot_events.sort()).toEqual(['app_home_opened', 'app_mention', 'message.channels', 'message.groups', 'message.im']);
    expect(m.features.app_home.home_tab_enabled).toBe(true);
    expect(m.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/defuse']);
    expect(m.oauth_config.scopes.bot.sort()).toEqual(['app_mentions:read', 'channels:history', 'channels:read', 'chat:write', 'commands', 'groups:history', 'groups:read', 'im:history']);
    expect(m.settings.interactivity.is_enabled).toBe(true);
    expect(m.features.shortcuts).toEqual([expect.objectContaining({ type: 'message', callback_id: SHORTCUT_COACH })]);
  });
});

describe('the Socket Mode manifest', () => {
  const http = parse(readFileSync(new URL('../../manifest/slack.yaml', import.meta.url), 'utf8'));
  const socket = parse(readFileSync(new URL('../../manifest/slack-socket.yaml', import.meta.url), 'utf8'));

  it('is the same app with Socket Mode on and no request URL anywhere', () => {
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(JSON.stringify(socket)).not.toContain('https://');
    expect(socket.oauth_config).toEqual(http.oauth_config);
    expect(socket.settings.event_subscriptions.bot_events).toEqual(http.settings.event_subscriptions.bot_events);
    expect(socket.features.shortcuts).toEqual(http.features.shortcuts);
    expect(socket.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/defuse']);
  });
});

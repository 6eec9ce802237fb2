/**
 * Runs the real service (src/main.ts startService) with Teams on, and POSTs Bot Framework
 * activities to /api/messages whose serviceUrl points at the local connector double.
 */
import { startTestService, type TestService } from '../support/service-harness.ts';
import { ConnectorDouble } from './connector-double.ts';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const BOT_ID = '28:defuse-bot';

export interface TeamsHarness extends TestService {
  connector: ConnectorDouble;
  post(activity: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
}

export async function startTeamsHarness(env: Record<string, string> = {}): Promise<TeamsHarness> {
  const connector = new ConnectorDouble();
  await connector.start();
  const t = await startTestService(env);
  return {
    ...t,
    connector,
    async post(activity, headers = {}) {
      const r = await fetch(`${t.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });
      return { status: r.status, body: await r.text() };
    },
    async stop() {
      await t.stop();
      await connector.stop();
    },
  };
}

let seq = 0;
export const nextId = () => `${1_700_000_000_000 + ++seq}`;

export interface Where {
  conversationId?: string;
  conversationType?: 'personal' | 'channel' | 'groupChat';
  user?: string;
  userName?: string;
  teamId?: string;
  /** The team's Microsoft 365 group id (channelData.team.aadGroupId). */
  teamGroup?: string;
}

/** A Teams message activity, shaped as Teams sends it. */
export function message(h: TeamsHarness, text: string, where: Where = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const type = where.conversationType ?? 'personal';
  const user = where.user ?? '29:agent-1';
  return {
    type: 'message',
    id: nextId(),
    timestamp: new Date().toISOString(),
    serviceUrl: h.connector.url,
    channelId: 'msteams',
    from: { id: user, name: where.userName ?? 'Alex Agent', aadObjectId: `aad-${user}` },
    conversation: { id: where.conversationId ?? `a:personal-${user}`, conversationType: type, tenantId: TENANT, ...(type !== 'personal' ? { isGroup: true } : {}) },
    recipient: { id: BOT_ID, name: 'Defuse' },
    text,
    textFormat: 'plain',
    locale: 'en-GB',
    channelData: { tenant: { id: TENANT }, ...(where.teamId ? { team: { id: where.teamId, ...(where.teamGroup ? { aadGroupId: where.teamGroup } : {}) }, channel: { id: where.conversationId?.split(';')[0] } } : {}) },
    ...extra,
  };
}

/** An Action.Execute click: invoke adaptiveCard/action. */
export function cardAction(h: TeamsHarness, verb: string, caseId: string, where: Where = {}, replyToId?: string): Record<string, unknown> {
  const base = message(h, '', where);
  delete base.text;
  delete base.textFormat;
  return {
    ...base,
    type: 'invoke',
    name: 'adaptiveCard/action',
    ...(replyToId ? { replyToId } : {}),
    value: { action: { type: 'Action.Execute', verb, data: { defuse: verb, caseId } }, trigger: 'manual' },
  };
}

/** An Action.Submit click (the fallback): a message with the action's data in `value` and no text. */
export function cardSubmit(h: TeamsHarness, verb: string, caseId: string, where: Where = {}, replyToId?: string): Record<string, unknown> {
  const base = message(h, '', where);
  delete base.text;
  return { ...base, ...(replyToId ? { replyToId } : {}), value: { defuse: verb, caseId } };
}

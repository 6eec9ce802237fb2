/**
 * Supervisor pings in Slack: one top-level post per case in the escalation channel, listing
 * every reason; a reason that appears later updates that post and adds a line to its thread.
 * Which channel: the one set with `/defuse supervise` (stored per workspace), else
 * SLACK_ESCALATION_CHANNEL. Who may act on a ping: members of that channel, or
 * SUPERVISOR_SLACK_USERS.
 */
import type { WebClient } from '@slack/web-api';
import type { Store } from '../core/ports/store.ts';
import type { SlackConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import { pingBlocks } from './blocks.ts';
import { planPing, quietMark } from '../core/escalation/ping-plan.ts';

/** "Who was pinged" entries for Slack: slack:<channel>:<ts> of the ping message. */
const PING_REF = /^slack:([^:]+):(\d+\.\d+)$/;
/** Channel membership changes rarely; a minute of caching spares a Web API call per click. */
const MEMBERS_TTL_MS = 60_000;

export interface CaseAddress {
  team: string;
  channel: string;
  thread: string;
  agent?: string | undefined;
}

/** The link to the case's thread for a ping, or undefined when Slack will not give one. */
export function caseThreadLink(client: WebClient, where: CaseAddress): Promise<string | undefined> {
  return client.chat.getPermalink({ channel: where.channel, message_ts: where.thread }).then(
    (r) => r.permalink,
    () => undefined,
  );
}

export class SupervisorPings {
  private readonly store: Store;
  private readonly config: SlackConfig;
  private readonly log: Logger;
  private readonly members = new Map<string, { at: number; ids: Set<string> }>();

  private readonly now: () => Date;

  constructor(store: Store, config: SlackConfig, log: Logger, now: () => Date) {
    this.store = store;
    this.now = now;
    this.config = config;
    this.log = log;
  }

  async channelFor(team: string): Promise<string | undefined> {
    const route = await this.store.routes.get('slack', team);
    const ch = route?.target.channel;
    if (typeof ch === 'string') return ch;
    if (route?.target.off === true) return undefined;
    return this.config.escalationChannel;
  }

  async isSupervisor(client: WebClient, team: string, user: string): Promise<boolean> {
    if (this.config.supervisors.includes(user)) return true;
    const channel = await this.channelFor(team);
    if (!channel) return false;
    return (await this.channelMembers(client, channel)).has(user);
  }

  async channelMembers(client: WebClient, channel: string): Promise<Set<string>> {
    const hit = this.members.get(channel);
    if (hit && Date.now() - hit.at < MEMBERS_TTL_MS) return hit.ids;
    const ids = new Set<string>();
    let cursor: string | undefined;
    do {
      const r = await client.conversations.members({ channel, limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const m of r.members ?? []) ids.add(m);
      cursor = r.response_metadata?.next_cursor || undefined;
    } while (cursor);
    this.members.set(channel, { at: Date.now(), ids });
    return ids;
  }

  /**
   * Posts (or updates) the case's ping. Returns a sentence for the agent's thread when the
   * ping could not be posted, so the agent knows to find a supervisor another way.
   */
  async ping(client: WebClient, caseId: string, where: CaseAddress): Promise<string | undefined> {
    const channel = await this.channelFor(where.team);
    if (!channel) {
      this.log.info('escalation without an escalation channel', { caseId });
      return 'No supervisor channel is set up yet, so nobody was pinged: ask a supervisor to run `/defuse supervise` in their channel, or tell one directly.';
    }
    const escalations = await this.store.escalations.forCase(caseId);
    const plan = planPing(escalations, 'slack', this.now());
    if (plan.kind === 'none') return undefined;
    const permalink = await caseThreadLink(client, where);
    const latest = escalations[escalations.length - 1]!;
    const facts = { caseId, reasons: escalations, summary: latest.summary, permalink, agent: where.agent };
    const text = `A case needs a supervisor: ${escalations.map((e) => e.reason).join(', ')}`;
    const metadata = { event_type: 'defuse_escalation', event_payload: { case_id: caseId, reasons: escalations.map((e) => e.reason).join(',') } };
    try {
      if (plan.kind === 'update') {
        const existing = pingRef(plan.ref);
        if (!existing) return undefined;
        await client.chat.update({ channel: existing.channel, ts: existing.ts, text, blocks: pingBlocks(facts), metadata });
        // Within the quiet period the ping is updated in place only: no thread reply, no buzz.
        if (plan.announce) {
          await client.chat.postMessage({ channel: existing.channel, thread_ts: existing.ts, text: `New reason: ${plan.fresh.map((e) => e.reason.replace(/_/g, ' ')).join(', ')}. ${latest.summary}` });
        }
        for (const e of plan.fresh) {
          await this.store.escalations.markNotified(caseId, e.reason, plan.ref);
          if (!plan.announce) await this.store.escalations.markNotified(caseId, e.reason, quietMark(plan.ref));
        }
        return undefined;
      }
      const posted = await client.chat.postMessage({ channel, text, blocks: pingBlocks(facts), metadata });
      for (const e of escalations) await this.store.escalations.markNotified(caseId, e.reason, `slack:${posted.channel ?? channel}:${posted.ts}`);
      return undefined;
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error ?? 'unknown';
      this.log.warn('supervisor ping failed', { caseId, code });
      if (code === 'not_in_channel' || code === 'channel_not_found') {
        return `I couldn't post in the supervisor channel (${code === 'not_in_channel' ? 'I am not a member of it: invite me with /invite' : 'it no longer exists: run `/defuse supervise` in the right channel'}). Please tell a supervisor directly.`;
      }
      return "I couldn't reach the supervisor channel just now. Please tell a supervisor directly.";
    }
  }

}

/** The Slack message a ping reference ("slack:<channel>:<ts>") points at. */
function pingRef(ref: string): { channel: string; ts: string } | undefined {
  const m = PING_REF.exec(ref);
  return m ? { channel: m[1]!, ts: m[2]! } : undefined;
}

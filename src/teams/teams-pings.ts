/**
 * Supervisor pings in Teams, by the same rules as Slack (core/escalation/ping-plan.ts): one
 * card per case in the conversation registered with `supervise`, sent proactively
 * (continueConversationAsync); a later reason updates that card in place (updateActivity) and,
 * after the quiet period, adds a line to its reply chain.
 */
import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { reasonLabel } from '../core/channel/present.ts';
import { planPing, quietMark } from '../core/escalation/ping-plan.ts';
import type { EscalationRecord } from '../core/ports/escalation-store.ts';
import type { Store } from '../core/ports/store.ts';
import type { TeamsConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import { ADAPTIVE_CARD, pingCard } from './cards.ts';
import { referenceTo, threadOf, type TeamsAddress } from './conversation.ts';

/** Channel membership changes rarely; a minute of caching spares a connector call per click. */
const MEMBERS_TTL_MS = 60_000;

/** The registered supervisor conversation, as kept in the route store. */
export interface SupervisorRoute {
  reference: Partial<ConversationReference>;
  /** For a team channel: membership is the team's. */
  teamId?: string;
}

/** "Who was pinged" for Teams: teams:<activity id>|<conversation id> of the ping card. */
export function pingRefOf(activityId: string, conversationId: string): string {
  return `teams:${activityId}|${conversationId}`;
}

function parsePingRef(ref: string): { activityId: string; conversationId: string } | undefined {
  const m = /^teams:([^|]+)\|(.+)$/.exec(ref);
  return m ? { activityId: m[1]!, conversationId: m[2]! } : undefined;
}

export class TeamsPings {
  private readonly members = new Map<string, { at: number; member: boolean }>();
  private readonly deps: { adapter: CloudAdapter; store: Store; config: TeamsConfig; log: Logger; now: () => Date };

  constructor(deps: { adapter: CloudAdapter; store: Store; config: TeamsConfig; log: Logger; now: () => Date }) {
    this.deps = deps;
  }

  private get appId(): string {
    return this.deps.config.appId ?? '';
  }

  /** Runs `logic` in another conversation (the supervisor channel, an agent's case). */
  async inConversation(reference: Partial<ConversationReference>, logic: (ctx: TurnContext) => Promise<void>): Promise<void> {
    await this.deps.adapter.continueConversationAsync(this.appId, reference, logic);
  }

  async routeFor(tenant: string): Promise<SupervisorRoute | undefined> {
    const route = await this.deps.store.routes.get('teams', tenant);
    const target = route?.target as { reference?: Partial<ConversationReference>; teamId?: string } | undefined;
    if (!target?.reference?.conversation?.id || !target.reference.serviceUrl) return undefined;
    return { reference: target.reference, ...(target.teamId ? { teamId: target.teamId } : {}) };
  }

  /** Listed in SUPERVISOR_TEAMS_USERS, or a member of the registered supervisor conversation. */
  async isSupervisor(tenant: string, user: { id?: string; aadObjectId?: string }): Promise<boolean> {
    const { supervisors } = this.deps.config;
    if ((user.aadObjectId && supervisors.includes(user.aadObjectId)) || (user.id && supervisors.includes(user.id))) return true;
    const route = await this.routeFor(tenant);
    if (!route || !user.id) return false;
    const key = `${tenant}|${route.reference.conversation!.id}|${user.id}`;
    const hit = this.members.get(key);
    if (hit && Date.now() - hit.at < MEMBERS_TTL_MS) return hit.member;
    let member = false;
    await this.inConversation(route.reference, async (ctx) => {
      const client = ctx.turnState.get(ctx.adapter.ConnectorClientKey) as {
        conversations: { getConversationMember(conversationId: string, memberId: string): Promise<unknown> };
      };
      try {
        await client.conversations.getConversationMember(route.teamId ?? route.reference.conversation!.id, user.id!);
        member = true;
      } catch (err) {
        // 404: not a member. Anything else is a real failure, reported as such.
        if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      }
    });
    this.members.set(key, { at: Date.now(), member });
    return member;
  }

  /**
   * Sends (or updates) the case's ping. Returns a sentence for the agent when it could not be
   * sent, so they know to find a supervisor another way.
   */
  async ping(caseId: string, where: TeamsAddress): Promise<string | undefined> {
    const route = await this.routeFor(where.tenant);
    if (!route) {
      this.deps.log.info('escalation without a supervisor channel', { caseId });
      return 'No supervisor channel is set up yet, so nobody was pinged: ask a supervisor to send me `supervise` in their channel, or tell one directly.';
    }
    const escalations = await this.deps.store.escalations.forCase(caseId);
    const plan = planPing(escalations, 'teams', this.deps.now());
    if (plan.kind === 'none') return undefined;
    const latest = escalations[escalations.length - 1]!;
    const activity = pingActivity(caseId, escalations, latest.summary, where);
    try {
      if (plan.kind === 'update') {
        const ref = parsePingRef(plan.ref);
        if (!ref) return undefined;
        const conv = { ...route.reference, conversation: { ...route.reference.conversation!, id: ref.conversationId } };
        await this.inConversation(conv, async (ctx) => {
          await ctx.updateActivity({ ...activity, id: ref.activityId });
        });
        // Within the quiet period the card is updated in place only: no new message, no buzz.
        if (plan.announce) {
          const thread = route.reference.conversation!.conversationType === 'channel' ? threadOf(ref.conversationId, ref.activityId) : ref.conversationId;
          await this.inConversation({ ...conv, conversation: { ...conv.conversation, id: thread } }, async (ctx) => {
            await ctx.sendActivity(`New reason: ${plan.fresh.map((e) => reasonLabel(e.reason)).join(', ')}. ${latest.summary}`);
          });
        }
        for (const e of plan.fresh) {
          await this.deps.store.escalations.markNotified(caseId, e.reason, plan.ref);
          if (!plan.announce) await this.deps.store.escalations.markNotified(caseId, e.reason, quietMark(plan.ref));
        }
        return undefined;
      }
      let ref: string | undefined;
      await this.inConversation(route.reference, async (ctx) => {
        const sent = await ctx.sendActivity(activity);
        if (sent?.id) ref = pingRefOf(sent.id, ctx.activity.conversation.id);
      });
      for (const e of escalations) await this.deps.store.escalations.markNotified(caseId, e.reason, ref ?? 'teams:unknown');
      return undefined;
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      this.deps.log.warn('supervisor ping failed', { caseId, code: status ? `http_${status}` : ((err as { code?: string }).code ?? 'unknown') });
      if (status === 403 || status === 404) {
        return "I couldn't post in the supervisor channel (I may have been removed from it: send me `supervise` there again). Please tell a supervisor directly.";
      }
      return "I couldn't reach the supervisor channel just now. Please tell a supervisor directly.";
    }
  }

  /** Re-renders a ping card after "I'm on it" or "Dismiss". */
  async updatePing(ctx: TurnContext, pingActivityId: string, caseId: string, where: TeamsAddress | undefined, by: string, dismissed: boolean): Promise<ReturnType<typeof pingCard>> {
    const escalations = await this.deps.store.escalations.forCase(caseId);
    const card = pingCard({ caseId, reasons: escalations, summary: escalations.at(-1)?.summary ?? '', ...caseFacts(where), acknowledgedBy: by, dismissed });
    await ctx.updateActivity({ type: 'message', id: pingActivityId, attachments: [{ contentType: ADAPTIVE_CARD, content: card }] });
    return card;
  }

  /** Tells the agent, in their case's conversation, that a supervisor took the case. */
  async tellAgent(where: TeamsAddress, text: string): Promise<void> {
    await this.inConversation(referenceTo(where), async (ctx) => {
      await ctx.sendActivity(text);
    });
  }
}

/** Who the agent is and where the case can be opened, as the ping card shows them. */
function caseFacts(where: TeamsAddress | undefined): { agent: string | undefined; link: string | undefined; privateChat: boolean } {
  return { agent: where?.agentName || undefined, link: where?.link || undefined, privateChat: where?.conversationType === 'personal' };
}

function pingActivity(caseId: string, reasons: EscalationRecord[], summary: string, where: TeamsAddress) {
  return {
    type: 'message' as const,
    summary: `A case needs a supervisor: ${reasons.map((r) => reasonLabel(r.reason)).join(', ')}`,
    attachments: [{ contentType: ADAPTIVE_CARD, content: pingCard({ caseId, reasons, summary, ...caseFacts(where) }) }],
    // For integrations, the same facts as Slack's defuse_escalation message metadata.
    value: { event_type: 'defuse_escalation', case_id: caseId, reasons: reasons.map((r) => r.reason) },
  };
}

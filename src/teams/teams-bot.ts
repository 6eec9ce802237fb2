/**
 * The Teams side of Defuse: a botbuilder ActivityHandler run by the real CloudAdapter. It turns
 * Teams activities into coach requests and the Advice back into Adaptive Cards; reading,
 * storing and escalating are the Coach's, exactly as on Slack.
 */
import { ActivityHandler, ActivityTypes, TurnContext, type Activity, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue } from 'botbuilder';
import type { TeamsConfig } from '../config.ts';
import type { Advice } from '../core/advice.ts';
import { helpLines, parseCommand } from '../core/channel/commands.ts';
import { adviceSummary, APOLOGY } from '../core/channel/present.ts';
import { DefuseError } from '../core/errors.ts';
import { handleOnce } from '../core/inbound.ts';
import type { Store } from '../core/ports/store.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import { ADAPTIVE_CARD, adviceCard, helpCard, reviewCard, VERBS, wordingCard, type Card, type Verb } from './cards.ts';
import { addressOf, caseLink, channelCaseId, channelRoot, chatCaseOpening, chatCasePrefix, messageText, referenceTo, teamGroupOf, teamIdOf, tenantOf, userKey, type TeamsAddress } from './conversation.ts';
import { TeamsPings } from './teams-pings.ts';
import { TeamsDrills } from './teams-drills.ts';
import type { CloudAdapter } from 'botbuilder';

export interface TeamsDeps {
  config: TeamsConfig;
  engine: Engine;
  store: Store;
  log: Logger;
  now: () => Date;
  adapter: CloudAdapter;
}

/**
 * In a chat (no reply chains) the next message continues the agent's open case while it is
 * this fresh: a live case rarely pauses for half an hour, and `new` always starts a fresh one.
 */
export const CHAT_CASE_IDLE_MS = 30 * 60 * 1000;

const HOW_TO_REACH = [
  'Message me in a personal chat, or @mention me in a channel or group chat, with what the customer said (or a transcript).',
  'In a channel, reply in the same reply chain to continue the case; in a chat, keep writing (`new` starts a fresh case).',
];

export function errorCode(err: unknown): string {
  if (err instanceof DefuseError) return err.code;
  const status = (err as { statusCode?: number }).statusCode;
  return status ? `http_${status}` : ((err as { code?: string }).code ?? 'internal');
}

const KNOWN_VERBS = new Set<string>(Object.values(VERBS));

type ActionResult = { message: string; card?: Card };

/** The Universal Actions answer that shows a short text to the user (its value is a string, whatever the SDK's type says). */
function messageResponse(text: string): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text as unknown as Record<string, unknown> };
}

export class DefuseTeamsBot extends ActivityHandler {
  private readonly deps: TeamsDeps;
  readonly pings: TeamsPings;
  private readonly drills: TeamsDrills;

  constructor(deps: TeamsDeps) {
    super();
    this.deps = deps;
    this.pings = new TeamsPings(deps);
    this.drills = new TeamsDrills(deps.engine, deps.log);
    this.onMembersAdded(async (ctx, next) => {
      const botId = ctx.activity.recipient?.id;
      // A welcome once, when Defuse itself is added (installed), not for every colleague who joins.
      if ((ctx.activity.membersAdded ?? []).some((m) => m.id === botId)) {
        await ctx.sendActivity({ attachments: [{ contentType: ADAPTIVE_CARD, content: this.help() }] });
      }
      await next();
    });
  }

  /**
   * Every activity is handled once, even when Teams redelivers it or two replicas both get
   * it: the first to claim its id handles it. An invoke seen twice still gets its answer.
   */
  override async run(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    if (a.type !== ActivityTypes.Message && a.type !== ActivityTypes.Invoke) {
      await super.run(ctx);
      return;
    }
    // A message goes straight to its handler: ActivityHandler's dispatch reaches the same
    // place through several layers of async wrappers, a measurable share of a turn (npm run bench).
    const handle = a.type === ActivityTypes.Message ? () => this.message(ctx) : () => super.run(ctx);
    if (!a.id) {
      await handle();
      return;
    }
    const r = await handleOnce(this.deps.store.events, { source: 'teams', id: `${a.conversation?.id ?? ''}|${a.id}` }, this.deps.now(), handle);
    if (r.handled) return;
    this.deps.log.info('duplicate activity ignored', { channel: 'teams' });
    if (a.type === ActivityTypes.Invoke) {
      await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: messageResponse('Already done.') } });
    }
  }

  private help(): Card {
    const steps = [...this.deps.engine.content.playbook.values()].sort((x, y) => x.order - y.order);
    return helpCard(helpLines('', HOW_TO_REACH), steps);
  }

  private async message(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    const submitted = a.value as { defuse?: string; caseId?: string } | undefined;
    // Action.Submit (the fallback of the card buttons) arrives as a message carrying its data.
    if (submitted && typeof submitted.defuse === 'string') {
      const result = await this.guard(ctx, 'button', () => this.act(ctx, submitted.defuse!, String(submitted.caseId ?? '')));
      if (result) await ctx.sendActivity(result.message);
      return;
    }
    const text = messageText(a);
    const cmd = parseCommand(text);
    await this.guard(ctx, cmd.kind, async () => {
      // While a drill runs here, the agent's messages are their replies to the customer
      // (`drill …` and a bare `help` still work as commands).
      const command = cmd.kind === 'drill' || cmd.kind === 'help' || cmd.kind === 'mute' || cmd.kind === 'unmute';
      if (!command && (await this.drills.reply(ctx, text))) return;
      switch (cmd.kind) {
        case 'help':
          await ctx.sendActivity({ attachments: [{ contentType: ADAPTIVE_CARD, content: this.help() }] });
          return;
        case 'review':
          if (cmd.draft === '') {
            await ctx.sendActivity('Add your draft after `review`, like: review I understand, let me check that for you.');
            return;
          }
          await ctx.sendActivity({ attachments: [{ contentType: ADAPTIVE_CARD, content: reviewCard(this.deps.engine.coach.review(cmd.draft)) }] });
          return;
        case 'mute':
        case 'unmute':
          await this.deps.store.preferences.setMuted('teams', userKey(a), cmd.kind === 'mute', this.deps.now().toISOString());
          await ctx.sendActivity(cmd.kind === 'mute' ? "Muted: I'll keep answers to the reading, the next step and one wording. Send `unmute` for full answers." : "Unmuted: you'll get full answers again.");
          return;
        case 'supervise':
          await ctx.sendActivity(await this.supervise(ctx, cmd.off));
          return;
        case 'drill':
          await this.drills.command(ctx, cmd.args);
          return;
        case 'new':
          if (cmd.text === '') {
            await this.closeCurrentChatCase(ctx);
            await ctx.sendActivity('Ready for a new case: send me what the customer said.');
            return;
          }
          await this.coach(ctx, cmd.text, true);
          return;
        default:
          if (cmd.text === '') {
            await ctx.sendActivity({ attachments: [{ contentType: ADAPTIVE_CARD, content: this.help() }] });
            return;
          }
          await this.coach(ctx, cmd.text, false);
      }
    });
  }

  /** Runs a handler; a failure gives the agent a short apology (never a stack) and a log line with its code. */
  private async guard<T>(ctx: TurnContext, what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      this.deps.log.error('teams turn failed', { channel: 'teams', what, code: errorCode(err) });
      await ctx.sendActivity(err instanceof DefuseError ? err.userMessage : APOLOGY).catch(() => undefined);
      return undefined;
    }
  }

  /** The case this message belongs to, and whether it opens it (a chat case named after this very message). */
  private async caseIdFor(ctx: TurnContext, fresh: boolean): Promise<{ id: string; opens: boolean }> {
    const a = ctx.activity;
    if (a.conversation?.conversationType === 'channel') return { id: channelCaseId(a), opens: false };
    const prefix = chatCasePrefix(a);
    if (!fresh) {
      const current = await this.currentChatCase(ctx);
      if (current) return { id: current, opens: false };
    }
    return { id: `${prefix}${a.id ?? this.deps.now().getTime()}`, opens: true };
  }

  /** The agent's open case in this chat, if it is still fresh. */
  private async currentChatCase(ctx: TurnContext): Promise<string | undefined> {
    const since = new Date(this.deps.now().getTime() - CHAT_CASE_IDLE_MS).toISOString();
    return this.deps.store.cases.openCaseFor(userKey(ctx.activity), chatCasePrefix(ctx.activity), since);
  }

  private async closeCurrentChatCase(ctx: TurnContext): Promise<void> {
    if (ctx.activity.conversation?.conversationType === 'channel') return;
    const current = await this.currentChatCase(ctx);
    if (current) await this.deps.engine.coach.closeCase(current);
  }

  private async coach(ctx: TurnContext, text: string, fresh: boolean): Promise<void> {
    const a = ctx.activity;
    if (fresh) await this.closeCurrentChatCase(ctx);
    const { id: caseId, opens } = await this.caseIdFor(ctx, fresh);
    const address = addressOf(a, a.conversation?.conversationType === 'channel' ? caseId.slice(`teams:${tenantOf(a)}:`.length) : a.conversation?.id);
    address.link = caseLink(address, chatCaseOpening(caseId), teamGroupOf(a));
    const r = await this.deps.engine.coach.coachCase({ caseId, opensCase: opens, text, channel: { channel: 'teams', address } });
    const sent = await this.sendAdvice(ctx, caseId, r.advice);
    if (r.tailored && sent) this.updateWhenTailored(ctx, caseId, sent, r.tailored);
    this.deps.log.info('coached', { channel: 'teams', caseId, emotion: r.advice.emotion, stage: r.advice.stage, step: r.advice.step, escalations: r.escalations.length });
    if (r.escalations.length > 0) {
      const problem = await this.pings.ping(caseId, address);
      if (problem) await ctx.sendActivity(problem);
    }
  }

  /** The advice card, compact for an agent who muted Defuse; the Advice itself rides in `value` for integrations. */
  private async sendAdvice(ctx: TurnContext, caseId: string, advice: Advice): Promise<{ id: string; muted: boolean } | undefined> {
    const muted = (await this.deps.store.preferences.get('teams', userKey(ctx.activity))).muted;
    const res = await ctx.sendActivity(this.adviceActivity(caseId, advice, muted));
    return res?.id ? { id: res.id, muted } : undefined;
  }

  private adviceActivity(caseId: string, advice: Advice, muted: boolean): Partial<Activity> {
    return {
      type: ActivityTypes.Message,
      summary: adviceSummary(advice),
      attachments: [{ contentType: ADAPTIVE_CARD, content: adviceCard(advice, caseId, { compact: muted }) }],
      value: { caseId, advice },
    };
  }

  /**
   * The model's tailored advice replaces the card in place when it arrives. The turn has ended
   * by then (its context is revoked), so the update goes through a proactive turn.
   */
  private updateWhenTailored(ctx: TurnContext, caseId: string, sent: { id: string; muted: boolean }, tailored: Promise<Advice | undefined>): void {
    const reference = TurnContext.getConversationReference(ctx.activity);
    void tailored
      .then(async (advice) => {
        if (!advice) return;
        await this.pings.inConversation(reference, async (proactive) => {
          await proactive.updateActivity({ ...this.adviceActivity(caseId, advice, sent.muted), id: sent.id });
        });
      })
      .catch((err: unknown) => this.deps.log.warn('tailored advice not shown', { channel: 'teams', caseId, code: errorCode(err) }));
  }

  private async supervise(ctx: TurnContext, off: boolean): Promise<string> {
    const a = ctx.activity;
    const tenant = tenantOf(a);
    const current = await this.pings.routeFor(tenant);
    // Anyone may register the first conversation when no supervisors are configured; after
    // that only supervisors (members of the registered conversation, or SUPERVISOR_TEAMS_USERS).
    const allowed = (current === undefined && this.deps.config.supervisors.length === 0) || (await this.pings.isSupervisor(tenant, a.from ?? {}));
    if (!allowed) return 'Only supervisors (members of the current supervisor channel) can change where pings go. Ask one of them to do this.';
    const at = this.deps.now().toISOString();
    if (off) {
      await this.deps.store.routes.set({ platform: 'teams', tenant, target: { off: true }, updatedAt: at });
      return 'Supervisor pings are off for this organisation.';
    }
    // In a channel, pings start new posts in the channel, not replies in this thread.
    const root = a.conversation?.conversationType === 'channel' ? channelRoot(a.conversation.id) : a.conversation?.id ?? '';
    const reference = referenceTo({ ...addressOf(a, root) });
    const teamId = teamIdOf(a);
    await this.deps.store.routes.set({ platform: 'teams', tenant, target: { reference, ...(teamId ? { teamId } : {}) }, updatedAt: at });
    return 'Supervisor pings will come to this conversation.';
  }

  protected override async onAdaptiveCardInvoke(ctx: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const data = (value.action?.data ?? {}) as { caseId?: string };
    const verb = value.action?.verb ?? (value.action?.data as { defuse?: string } | undefined)?.defuse ?? '';
    const result = await this.guard(ctx, 'button', () => this.act(ctx, verb, String(data.caseId ?? '')));
    if (!result) return messageResponse(APOLOGY);
    if (result.card) return { statusCode: 200, type: ADAPTIVE_CARD, value: result.card };
    return messageResponse(result.message);
  }

  private async caseAddress(caseId: string): Promise<TeamsAddress | undefined> {
    const c = await this.deps.store.cases.get(caseId);
    const a = c?.channel?.channel === 'teams' ? c.channel.address : undefined;
    if (!a?.conversation || !a.serviceUrl) return undefined;
    return { tenant: '', conversationType: 'personal', channelId: 'msteams', bot: '', agent: '', agentName: '', link: '', ...a } as TeamsAddress;
  }

  /** A card button, from Action.Execute or its Action.Submit fallback. */
  private async act(ctx: TurnContext, verb: string, caseId: string): Promise<ActionResult> {
    if (!KNOWN_VERBS.has(verb) || caseId === '') return { message: "I don't know that button. Try `help`." };
    const coach = this.deps.engine.coach;
    const gone: ActionResult = { message: 'That case is no longer available (it may have been deleted after the retention period).' };
    switch (verb as Verb) {
      case VERBS.another: {
        const advice = await coach.anotherWording(caseId);
        if (!advice) return gone;
        await ctx.sendActivity({ attachments: [{ contentType: ADAPTIVE_CARD, content: wordingCard(advice) }] });
        return { message: 'Here is another way to say it.' };
      }
      case VERBS.calmer: {
        const r = await coach.customerCalmed(caseId);
        if (!r) return gone;
        await this.sendAdvice(ctx, caseId, r.advice);
        return { message: 'Noted: the customer has calmed down.' };
      }
      case VERBS.escalate: {
        const r = await coach.requestSupervisor(caseId);
        const where = await this.caseAddress(caseId);
        if (!r || !where) return gone;
        const problem = await this.pings.ping(caseId, where);
        return { message: problem ?? (r.opened ? "I've asked a supervisor to look at this case." : 'A supervisor has already been asked about this case.') };
      }
      case VERBS.resolved:
        return (await coach.closeCase(caseId)) ? { message: 'Marked resolved. Well handled.' } : gone;
      case VERBS.helpful:
      case VERBS.notHelpful: {
        const kind = verb === VERBS.helpful ? 'helpful' : 'not_helpful';
        const stored = await this.deps.store.cases.addFeedback({ caseId, by: userKey(ctx.activity), kind, at: this.deps.now().toISOString() });
        if (!stored) return gone;
        return { message: kind === 'helpful' ? 'Thanks, noted.' : "Thanks, noted. We'll use it to improve the coaching." };
      }
      case VERBS.onIt:
      case VERBS.dismiss:
        return this.supervisorAction(ctx, caseId, verb === VERBS.dismiss);
    }
    return { message: "I don't know that button. Try `help`." };
  }

  private async supervisorAction(ctx: TurnContext, caseId: string, dismiss: boolean): Promise<ActionResult> {
    const a = ctx.activity;
    if (!(await this.pings.isSupervisor(tenantOf(a), a.from ?? {}))) {
      return { message: 'Only supervisors can take this. If that should be you, ask to be added to the supervisor channel or to SUPERVISOR_TEAMS_USERS.' };
    }
    const by = a.from?.name || userKey(a);
    const took = await this.deps.engine.coach.takeCase(caseId, userKey(a), dismiss ? 'dismissed' : 'taken');
    const where = await this.caseAddress(caseId);
    // The card the button was on is the ping: update it in place for everyone in the channel.
    const card = a.replyToId ? await this.pings.updatePing(ctx, a.replyToId, caseId, where, by, dismiss) : undefined;
    if (took && !dismiss && where) await this.pings.tellAgent(where, `${by} (supervisor) is on it and will join you on this case.`);
    const message = dismiss ? 'Dismissed.' : took ? "Thanks, the agent knows you're on it." : 'This case was already taken.';
    return card ? { message, card } : { message };
  }
}

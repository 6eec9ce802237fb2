/**
 * Drills in Teams: `drill …` starts one in the conversation; in a channel it lives in that
 * reply chain, in a chat it takes the agent's next messages until it ends or they send
 * `stop`. Only the agent who started it is answered.
 */
import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import { drillHelpLines, drillListLines, leaderboardLines, statsLines } from '../core/channel/drill-text.ts';
import { isStopInDrill, parseDrillCommand } from '../core/drill/drill-command.ts';
import { ScenarioNotFound, type DrillOwner } from '../core/drill/drills.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import { ADAPTIVE_CARD } from './cards.ts';
import { channelCaseId, tenantOf, userKey } from './conversation.ts';
import { customerCard, drillValue, openingCard, scoreValue, scorecardCard, TEAMS_MARKUP } from './drill-cards.ts';

const owner = (a: Partial<Activity>): DrillOwner => ({ platform: 'teams', user: userKey(a), team: tenantOf(a), ...(a.from?.name ? { name: a.from.name } : {}) });
const isChannel = (a: Partial<Activity>) => a.conversation?.conversationType === 'channel';
/** In a chat many drills follow one another: each is the chat plus the message that started it. */
const chatPrefix = (a: Partial<Activity>) => `teams-drill:${tenantOf(a)}:${a.conversation?.id ?? ''}#`;
const channelDrillId = (a: Partial<Activity>) => `teams-drill:${channelCaseId(a).slice('teams:'.length)}`;

export class TeamsDrills {
  private readonly engine: Engine;
  private readonly log: Logger;
  constructor(engine: Engine, log: Logger) {
    this.engine = engine;
    this.log = log;
  }

  async command(ctx: TurnContext, args: string): Promise<void> {
    const a = ctx.activity;
    const me = owner(a);
    const send = (lines: string[] | string) => ctx.sendActivity(Array.isArray(lines) ? lines.join('\n\n') : lines);
    const cmd = parseDrillCommand(args);
    const drills = this.engine.drills;
    switch (cmd.kind) {
      case 'help':
        await send(drillHelpLines(TEAMS_MARKUP, ''));
        return;
      case 'invalid':
        await send(cmd.message);
        return;
      case 'list':
        await send(drillListLines(TEAMS_MARKUP, drills.scenarios(), ''));
        return;
      case 'stats':
        await send(statsLines(TEAMS_MARKUP, await drills.stats(me), ''));
        return;
      case 'leaderboard': {
        if (cmd.join !== undefined) await drills.setLeaderboard(me, cmd.join);
        const board = await drills.leaderboard(me);
        await send(leaderboardLines(TEAMS_MARKUP, board.rows, board.joined, ''));
        return;
      }
      case 'stop': {
        const r = await drills.stop(me, await this.drillHere(a));
        await send(r.stopped ? `Stopped your drill "${r.scenario.title}". No score was recorded.` : 'You have no drill running here.');
        return;
      }
      case 'start': {
        let prepared;
        try {
          prepared = await drills.prepare(me, cmd);
        } catch (err) {
          if (!(err instanceof ScenarioNotFound)) throw err;
          await send(`${err.message} Send \`drill list\` for a description of each.`);
          return;
        }
        const running = await this.drillHere(a);
        if (running) await drills.stop(me, running);
        const drillId = isChannel(a) ? channelDrillId(a) : `${chatPrefix(a)}${a.id ?? Date.now()}`;
        if (!(await drills.open(drillId, me, prepared, { conversation: a.conversation?.id ?? '' }))) {
          await send('A drill already ran in this reply chain. Start a new post to run another.');
          return;
        }
        await ctx.sendActivity({
          type: ActivityTypes.Message,
          summary: `${prepared.scenario.persona.name}: ${prepared.opening.text}`,
          attachments: [{ contentType: ADAPTIVE_CARD, content: openingCard(prepared) }],
          value: drillValue(drillId, prepared.scenario.id, 0, prepared.opening.mood),
        });
        this.log.info('drill started', { channel: 'teams', drillId, scenario: prepared.scenario.id, difficulty: prepared.state.difficulty });
      }
    }
  }

  /** The active drill of this agent in this conversation, if any. */
  private async drillHere(a: Partial<Activity>): Promise<string | undefined> {
    if (isChannel(a)) {
      const id = channelDrillId(a);
      const found = await this.engine.drills.get(id);
      return found && found.session.status === 'active' ? id : undefined;
    }
    return this.engine.drills.activeFor(owner(a), chatPrefix(a));
  }

  /** Handles a message as a drill reply when a drill runs here; false otherwise. */
  async reply(ctx: TurnContext, text: string): Promise<boolean> {
    const a = ctx.activity;
    const drillId = isChannel(a) ? channelDrillId(a) : await this.drillHere(a);
    if (!drillId) return false;
    const drills = this.engine.drills;
    if (isStopInDrill(text)) {
      const r = await drills.stop(owner(a), drillId);
      if (!r.stopped && r.why === 'none') return false;
      await ctx.sendActivity(r.stopped ? 'Drill stopped. No score was recorded.' : 'Only the person who started this drill can stop it.');
      return true;
    }
    const r = await drills.reply(drillId, userKey(a), text);
    switch (r.kind) {
      case 'none':
        return false;
      case 'over':
        // A finished drill in a channel thread: the message is an ordinary one again.
        return false;
      case 'not_owner':
        await ctx.sendActivity('This drill belongs to someone else. Send `drill` to start your own.');
        return true;
      case 'busy':
        await ctx.sendActivity('I was still answering your previous reply. Send this one again.');
        return true;
      case 'turn': {
        const name = r.scenario.persona.name;
        await ctx.sendActivity({
          type: ActivityTypes.Message,
          summary: `${name}: ${r.line.text}`,
          attachments: [{ contentType: ADAPTIVE_CARD, content: customerCard(name, r.line, r.turn) }],
          value: drillValue(drillId, r.scenario.id, r.turn, r.mood),
        });
        if (r.scorecard) {
          await ctx.sendActivity({
            type: ActivityTypes.Message,
            summary: `Scorecard: ${r.scorecard.score}/100`,
            attachments: [{ contentType: ADAPTIVE_CARD, content: scorecardCard(r.scorecard) }],
            value: scoreValue(drillId, r.scorecard),
          });
          this.log.info('drill finished', { channel: 'teams', drillId, outcome: r.outcome, score: r.scorecard.score, turns: r.turn });
        }
        return true;
      }
    }
  }
}

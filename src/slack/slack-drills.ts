/**
 * Drills on Slack: `/defuse drill …` starts one with the customer's opening in the channel
 * (or DM), and the agent answers in that message's thread. Only the agent who started it is
 * answered; everyone else in the thread is a spectator.
 */
import type { WebClient } from '@slack/web-api';
import { drillHelpLines, drillListLines, leaderboardLines, statsLines } from '../core/channel/drill-text.ts';
import { parseDrillCommand, isStopInDrill } from '../core/drill/drill-command.ts';
import { ScenarioNotFound, type DrillOwner } from '../core/drill/drills.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import { customerBlocks, drillMetadata, openingBlocks, scoreMetadata, scorecardBlocks, SLACK_MARKUP } from './drill-blocks.ts';

/** One drill per Slack thread: the thread of the customer's opening message. */
export function slackDrillId(team: string, channel: string, thread: string): string {
  return `slack-drill:${team}:${channel}:${thread}`;
}

type Respond = (m: { response_type: 'ephemeral'; text: string }) => Promise<unknown>;

export interface SlackDrills {
  command(client: WebClient, c: { team: string; channel: string; user: string; args: string }, respond: Respond): Promise<void>;
  /** Handles a message in a drill's thread; false when the thread is not a drill. */
  inThread(client: WebClient, m: { team: string; channel: string; thread: string; user: string | undefined; text: string }): Promise<boolean>;
}

export function slackDrills(engine: Engine, log: Logger): SlackDrills {
  const owner = (team: string, user: string): DrillOwner => ({ platform: 'slack', team, user });
  const ephemeral = (respond: Respond, lines: string[] | string) => respond({ response_type: 'ephemeral', text: Array.isArray(lines) ? lines.join('\n') : lines });

  async function start(client: WebClient, c: { team: string; channel: string; user: string }, asked: { scenario?: string; difficulty?: 'easy' | 'normal' | 'hard' }, respond: Respond): Promise<void> {
    const me = owner(c.team, c.user);
    const prepared = await engine.drills.prepare(me, asked);
    let ts: string | undefined;
    try {
      const posted = await client.chat.postMessage({
        channel: c.channel,
        text: `${prepared.scenario.persona.name}: ${prepared.opening.text}`,
        blocks: openingBlocks(prepared),
        metadata: drillMetadata('pending', prepared.scenario.id, 0, prepared.opening.mood),
      });
      ts = posted.ts;
    } catch (err) {
      const code = (err as { data?: { error?: string } }).data?.error;
      log.warn('drill not posted', { channel: 'slack', code: code ?? 'unknown' });
      if (code === 'channel_not_found' || code === 'not_in_channel') {
        await ephemeral(respond, "I can't post in this conversation. Start the drill in my DM, or in a channel after inviting me (`/invite @Defuse`).");
        return;
      }
      throw err;
    }
    if (!ts) return;
    const drillId = slackDrillId(c.team, c.channel, ts);
    // Stored before anything else: the trainee sees the opening now and may answer at once; a
    // reply that came before the drill was stored would be read as an ordinary message.
    await engine.drills.open(drillId, me, prepared, { channel: c.channel, thread: ts });
    // The opening names its drill once the id is known (the message's own timestamp).
    await client.chat.update({ channel: c.channel, ts, text: `${prepared.scenario.persona.name}: ${prepared.opening.text}`, blocks: openingBlocks(prepared), metadata: drillMetadata(drillId, prepared.scenario.id, 0, prepared.opening.mood) }).catch(() => undefined);
    log.info('drill started', { channel: 'slack', drillId, scenario: prepared.scenario.id, difficulty: prepared.state.difficulty });
  }

  return {
    async command(client, c, respond) {
      const cmd = parseDrillCommand(c.args);
      const me = owner(c.team, c.user);
      switch (cmd.kind) {
        case 'help':
          await ephemeral(respond, drillHelpLines(SLACK_MARKUP, '/defuse '));
          return;
        case 'invalid':
          await ephemeral(respond, cmd.message);
          return;
        case 'list':
          await ephemeral(respond, drillListLines(SLACK_MARKUP, engine.drills.scenarios(), '/defuse '));
          return;
        case 'stats':
          await ephemeral(respond, statsLines(SLACK_MARKUP, await engine.drills.stats(me), '/defuse '));
          return;
        case 'leaderboard': {
          if (cmd.join !== undefined) await engine.drills.setLeaderboard(me, cmd.join);
          const board = await engine.drills.leaderboard(me);
          await ephemeral(respond, leaderboardLines(SLACK_MARKUP, board.rows, board.joined, '/defuse '));
          return;
        }
        case 'stop': {
          const r = await engine.drills.stop(me);
          if (!r.stopped) {
            await ephemeral(respond, 'You have no drill running.');
            return;
          }
          const where = r.where as { channel?: string; thread?: string };
          if (where.channel && where.thread) await client.chat.postMessage({ channel: where.channel, thread_ts: where.thread, text: 'Drill stopped. No score was recorded.' }).catch(() => undefined);
          await ephemeral(respond, `Stopped your drill "${r.scenario.title}". No score was recorded.`);
          return;
        }
        case 'start':
          try {
            await start(client, c, cmd, respond);
          } catch (err) {
            if (!(err instanceof ScenarioNotFound)) throw err;
            await ephemeral(respond, `${err.message} \`/defuse drill list\` describes them.`);
          }
      }
    },

    async inThread(client, m) {
      const drillId = slackDrillId(m.team, m.channel, m.thread);
      if (!m.user) return (await engine.drills.get(drillId)) !== undefined;
      const me = owner(m.team, m.user);
      if (isStopInDrill(m.text)) {
        const r = await engine.drills.stop(me, drillId);
        if (!r.stopped && r.why === 'none') return false;
        await client.chat.postMessage({ channel: m.channel, thread_ts: m.thread, text: r.stopped ? 'Drill stopped. No score was recorded.' : 'Only the person who started this drill can stop it.' });
        return true;
      }
      const r = await engine.drills.reply(drillId, m.user, m.text);
      switch (r.kind) {
        case 'none':
          return false;
        case 'not_owner':
          await client.chat.postEphemeral({ channel: m.channel, user: m.user, thread_ts: m.thread, text: 'This drill belongs to someone else. Start your own with `/defuse drill`.' });
          return true;
        case 'over':
          await client.chat.postEphemeral({ channel: m.channel, user: m.user, thread_ts: m.thread, text: 'This drill has ended. `/defuse drill` starts another.' });
          return true;
        case 'busy':
          await client.chat.postEphemeral({ channel: m.channel, user: m.user, thread_ts: m.thread, text: 'I was still answering your previous reply. Send this one again.' });
          return true;
        case 'turn': {
          const name = r.scenario.persona.name;
          await client.chat.postMessage({
            channel: m.channel,
            thread_ts: m.thread,
            text: `${name}: ${r.line.text}`,
            blocks: customerBlocks(name, r.line, r.turn),
            metadata: drillMetadata(drillId, r.scenario.id, r.turn, r.mood),
          });
          if (r.scorecard) {
            await client.chat.postMessage({ channel: m.channel, thread_ts: m.thread, text: `Scorecard: ${r.scorecard.score}/100`, blocks: scorecardBlocks(r.scorecard), metadata: scoreMetadata(drillId, r.scorecard) });
            log.info('drill finished', { channel: 'slack', drillId, outcome: r.outcome, score: r.scorecard.score, turns: r.turn });
          }
          return true;
        }
      }
    },
  };
}


/**
 * Drill messages as Block Kit: the customer's lines (with defuse_drill metadata) and the
 * scorecard (defuse_drill_score), so workflows can follow practice without reading it.
 */
import type { types } from '@slack/bolt';
import { drillIntro, scorecardLines, type Markup } from '../core/channel/drill-text.ts';
import type { CustomerLine } from '../core/drill/drill-state.ts';
import type { PreparedDrill } from '../core/drill/drills.ts';
import type { DrillScorecard } from '../core/drill/scorecard.ts';
import { context, escapeText, section } from './blocks.ts';

type Block = types.KnownBlock;

export const SLACK_MARKUP: Markup = {
  bold: (s) => `*${s}*`,
  code: (s) => `\`${s}\``,
  text: escapeText,
  mention: (u) => `<@${u}>`,
};

export function drillMetadata(drillId: string, scenario: string, turn: number, mood: string) {
  return { event_type: 'defuse_drill', event_payload: { drill_id: drillId, scenario, turn, mood } };
}

export function scoreMetadata(drillId: string, c: DrillScorecard) {
  return { event_type: 'defuse_drill_score', event_payload: { drill_id: drillId, score: c.score, skills: Object.fromEntries(c.skills.map((k) => [k.skill, k.score])) } };
}

export function openingBlocks(p: PreparedDrill): Block[] {
  const intro = drillIntro(SLACK_MARKUP, p, 'Reply in this thread; `stop` ends the drill.');
  return [context(intro.header), section(`*${escapeText(p.scenario.persona.name)}:* ${escapeText(p.opening.text)}`), context(intro.situation), context(intro.footer)];
}

export function customerBlocks(name: string, line: CustomerLine, turn: number): Block[] {
  return [section(`*${escapeText(name)}:* ${escapeText(line.text)}`), context(`mood: ${line.mood} · stage: ${line.stage} · reply ${turn}`)];
}

export function scorecardBlocks(c: DrillScorecard): Block[] {
  const l = scorecardLines(SLACK_MARKUP, c);
  return [section(l.title), section(l.skills.join('\n')), ...(l.best ? [section(l.best)] : []), ...(l.weakest ? [section(l.weakest)] : []), context(l.ideal)];
}

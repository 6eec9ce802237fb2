/**
 * Drill messages as Adaptive Cards 1.5: the customer's lines and the scorecard, the same
 * content as on Slack. The activity's `value` carries what Slack puts in message metadata.
 */
import { drillIntro, scorecardLines, type Markup } from '../core/channel/drill-text.ts';
import type { CustomerLine } from '../core/drill/drill-state.ts';
import type { PreparedDrill } from '../core/drill/drills.ts';
import type { DrillScorecard } from '../core/drill/scorecard.ts';
import { card, plain, text, type Card } from './cards.ts';

export const TEAMS_MARKUP: Markup = { bold: (s) => `**${s}**`, code: (s) => `\`${s}\``, text: plain, mention: (u, n) => (n ? plain(n) : `user ${plain(u.slice(0, 8))}`) };

const says = (name: string, line: string): Record<string, unknown> => ({ type: 'Container', style: 'attention', items: [text(`**${plain(name)}:** ${plain(line)}`)] });

export function openingCard(p: PreparedDrill): Card {
  const intro = drillIntro(TEAMS_MARKUP, p, 'Send `stop` to end the drill.');
  return card([text(intro.header, { size: 'Small', isSubtle: true }), says(p.scenario.persona.name, p.opening.text), text(intro.situation, { size: 'Small' }), text(intro.footer, { size: 'Small', isSubtle: true })]);
}

export function customerCard(name: string, line: CustomerLine, turn: number): Card {
  return card([says(name, line.text), text(`mood: ${line.mood} · stage: ${line.stage} · reply ${turn}`, { size: 'Small', isSubtle: true, spacing: 'None' })]);
}

export function scorecardCard(c: DrillScorecard): Card {
  const l = scorecardLines(TEAMS_MARKUP, c);
  return card([
    text(l.title, { size: 'Medium' }),
    text(l.skills.map((s) => `- ${s}`).join('\n')),
    ...(l.best ? [text(l.best, { size: 'Small' })] : []),
    ...(l.weakest ? [text(l.weakest, { size: 'Small' })] : []),
    text(l.ideal, { size: 'Small', isSubtle: true }),
  ]);
}

export function drillValue(drillId: string, scenario: string, turn: number, mood: string) {
  return { defuseDrill: { drill_id: drillId, scenario, turn, mood } };
}

export function scoreValue(drillId: string, c: DrillScorecard) {
  return { defuseDrillScore: { drill_id: drillId, score: c.score, skills: Object.fromEntries(c.skills.map((k) => [k.skill, k.score])), scorecard: c } };
}

/**
 * Drill messages as text, the same on every platform: each channel passes its own markup
 * (Slack mrkdwn, Teams markdown, the terminal's plain text) and lays the lines out.
 */
import type { PreparedDrill } from '../drill/drills.ts';
import type { DrillStats, LeaderRow } from '../drill/progress.ts';
import type { Scenario } from '../drill/scenario.ts';
import type { DrillScorecard } from '../drill/scorecard.ts';
import type { DrillOutcome } from '../drill/drill-state.ts';
import { meter } from './present.ts';

export interface Markup {
  bold(s: string): string;
  code(s: string): string;
  /** Escapes text that came from a person (agent replies quoted back). */
  text(s: string): string;
  mention(user: string, name?: string): string;
}

export const PLAIN: Markup = { bold: (s) => s, code: (s) => s, text: (s) => s, mention: (u, n) => n ?? u };

export function drillListLines(m: Markup, scenarios: readonly Scenario[], prefix: string): string[] {
  return [
    ...scenarios.map((s) => `${m.code(s.id)} ${m.bold(s.title)} (${s.industry}): ${s.summary}`),
    `Start one with ${m.code(`${prefix}drill <scenario> [easy|normal|hard]`)}; ${m.code(`${prefix}drill`)} alone picks one for you.`,
  ];
}

export function drillIntro(m: Markup, p: PreparedDrill, stopHint: string): { header: string; situation: string; footer: string } {
  const s = p.scenario;
  return {
    header: `${m.bold(`Drill: ${s.title}`)} · ${p.state.difficulty} · you are talking to ${s.persona.name}${p.chosenBecause ? ` (picked because ${p.chosenBecause})` : ''}`,
    situation: `${m.bold('On your screen:')} ${s.situation}`,
    footer: `Answer as you would a real customer. ${stopHint} The scorecard comes when the conversation ends.`,
  };
}

const OUTCOME_TEXT: Record<DrillOutcome, string> = {
  resolved: 'Resolved: the customer accepted and confirmed a remedy.',
  walkout: 'The customer walked out.',
  handoff: 'Handed to a manager.',
  turn_limit: 'Out of time: the drill reached its reply limit.',
  stopped: 'Stopped.',
};

export function scorecardLines(m: Markup, c: DrillScorecard): { title: string; skills: string[]; best?: string; weakest?: string; ideal: string } {
  return {
    title: `${m.bold(`Scorecard: ${c.score}/100`)} · ${c.title} · ${c.difficulty} · ${OUTCOME_TEXT[c.outcome]} (${c.turns} ${c.turns === 1 ? 'reply' : 'replies'})`,
    skills: c.skills.map((k) => `${meter(k.score / 100)} ${m.bold(`${k.skill} ${k.score}`)}: ${k.why}`),
    ...(c.best ? { best: `${m.bold(`Best reply (${c.best.turn}):`)} "${m.text(c.best.text)}" ${c.best.why}` } : {}),
    ...(c.weakest
      ? {
          weakest: `${m.bold(`Weakest reply (${c.weakest.turn}):`)} "${m.text(c.weakest.text)}" ${c.weakest.why}${c.weakest.better ? ` Try instead: "${c.weakest.better}"` : ''} (${c.weakest.source.file}, "${c.weakest.source.title}", section "${c.weakest.source.section}")`,
        }
      : {}),
    ideal: `${m.bold('What this customer wanted:')} ${c.idealOutcome}`,
  };
}

export function statsLines(m: Markup, s: DrillStats, prefix: string): string[] {
  if (s.count === 0) {
    const first = s.suggestion ? ` Try ${m.code(`${prefix}drill ${s.suggestion.scenario}`)} (${s.suggestion.title}).` : '';
    return [`No finished drills yet.${first}`];
  }
  const out = [`${m.bold(`Your drills: ${s.count}`)}, average ${s.average}${s.trend ? `, ${s.trend}` : ''}.`];
  out.push(`Latest scores: ${s.recent.map((e) => `${e.score} (${e.scenario}, ${e.at.slice(0, 10)})`).join(' → ')}`);
  if (s.strongest && s.weakest && s.strongest.skill !== s.weakest.skill) {
    out.push(`Strongest lately: ${m.bold(s.strongest.skill)} (${s.strongest.average}). Worth practising: ${m.bold(s.weakest.skill)} (${s.weakest.average}).`);
  }
  if (s.suggestion) out.push(`Next: ${m.code(`${prefix}drill ${s.suggestion.scenario} ${s.suggestion.difficulty}`)} (${s.suggestion.title}), because ${s.suggestion.why}.`);
  out.push('Only you see these.');
  return out;
}

export function leaderboardLines(m: Markup, rows: readonly LeaderRow[], joined: boolean, prefix: string): string[] {
  const out = [m.bold('Drill leaderboard, last 30 days (only people who joined it)')];
  if (rows.length === 0) out.push('Nobody has joined yet.');
  rows.forEach((r, i) => out.push(`${i + 1}. ${m.mention(r.user, r.name)}: average ${r.average}, best ${r.best}, ${r.drills} ${r.drills === 1 ? 'drill' : 'drills'}`));
  out.push(
    joined
      ? `You are on it. ${m.code(`${prefix}drill leaderboard leave`)} takes you off.`
      : `You are not on it. ${m.code(`${prefix}drill leaderboard join`)} adds you; your scores stay private until you do.`,
  );
  return out;
}

export function drillHelpLines(m: Markup, prefix: string): string[] {
  return [
    `${m.code(`${prefix}drill [scenario] [easy|normal|hard]`)}: practise on a simulated angry customer; answer in the thread.`,
    `${m.code(`${prefix}drill list`)}: the scenarios. ${m.code(`${prefix}drill stop`)}: end your drill without a score.`,
    `${m.code(`${prefix}drill stats`)}: your own progress. ${m.code(`${prefix}drill leaderboard`)}: the opt-in team board (${m.code('join')} / ${m.code('leave')}).`,
  ];
}

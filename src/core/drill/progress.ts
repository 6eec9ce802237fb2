/**
 * Growth, not surveillance: an agent's own history (`drill stats`), and a leaderboard that
 * shows only people who chose to be on it. Both read stored scorecards.
 */
import type { DrillCatalog } from './catalog.ts';
import { DIFFICULTIES, SKILLS, type Difficulty, type Skill } from './scenario.ts';

/** What is kept of a scorecard for progress: enough to chart, never the replies. */
export interface ScoreEntry {
  user: string;
  name?: string;
  scenario: string;
  difficulty: Difficulty;
  score: number;
  skills: Partial<Record<Skill, number>>;
  at: string;
}

export interface DrillStats {
  count: number;
  /** Oldest first, the latest ten. */
  recent: ScoreEntry[];
  average: number | undefined;
  trend: 'improving' | 'steady' | 'slipping' | undefined;
  weakest?: { skill: Skill; average: number };
  strongest?: { skill: Skill; average: number };
  suggestion?: { scenario: string; title: string; difficulty: Difficulty; why: string };
}

/** Skills are averaged over the latest few drills: old habits should not outweigh new ones. */
const SKILL_WINDOW = 5;
/** A move of less than this between halves of the history is noise, not a trend. */
const TREND_MARGIN = 5;
/** Scoring this well on a scenario suggests the next difficulty. */
const STEP_UP = 80;

const mean = (xs: readonly number[]) => (xs.length === 0 ? undefined : Math.round(xs.reduce((a, b) => a + b, 0) / xs.length));

/** `entries` newest first, as the store returns them. */
export function drillStats(entries: readonly ScoreEntry[], catalog: DrillCatalog): DrillStats {
  const recent = entries.slice(0, 10).reverse();
  const stats: DrillStats = { count: entries.length, recent, average: mean(entries.map((e) => e.score)), trend: undefined };
  if (entries.length >= 2) {
    const half = Math.ceil(recent.length / 2);
    const older = mean(recent.slice(0, recent.length - half).map((e) => e.score)) ?? recent[0]!.score;
    const newer = mean(recent.slice(-half).map((e) => e.score))!;
    stats.trend = newer - older > TREND_MARGIN ? 'improving' : older - newer > TREND_MARGIN ? 'slipping' : 'steady';
  }
  const window = entries.slice(0, SKILL_WINDOW);
  const bySkill = SKILLS.map((skill) => ({ skill, average: mean(window.map((e) => e.skills[skill]).filter((x): x is number => typeof x === 'number')) }))
    .filter((x): x is { skill: Skill; average: number } => x.average !== undefined)
    .sort((a, b) => a.average - b.average || SKILLS.indexOf(a.skill) - SKILLS.indexOf(b.skill));
  if (bySkill.length > 0) {
    stats.weakest = bySkill[0]!;
    stats.strongest = bySkill.at(-1)!;
  }
  stats.suggestion = suggest(entries, catalog, stats.weakest?.skill);
  return stats;
}

/** A scenario that exercises the weakest skill, least recently played, one step harder when mastered. */
function suggest(entries: readonly ScoreEntry[], catalog: DrillCatalog, weakest: Skill | undefined): DrillStats['suggestion'] {
  const all = [...catalog.scenarios.values()];
  if (all.length === 0) return undefined;
  const lastPlayed = (id: string) => entries.findIndex((e) => e.scenario === id);
  const fitting = weakest ? all.filter((s) => s.practises.includes(weakest)) : [];
  const pool = fitting.length > 0 ? fitting : all;
  // Never played first (index -1 → Infinity), then the one played longest ago.
  const pickd = [...pool].sort((a, b) => (lastPlayed(b.id) === -1 ? Infinity : lastPlayed(b.id)) - (lastPlayed(a.id) === -1 ? Infinity : lastPlayed(a.id)))[0]!;
  const last = entries.find((e) => e.scenario === pickd.id);
  const difficulty: Difficulty = last && last.score >= STEP_UP ? (DIFFICULTIES[Math.min(DIFFICULTIES.indexOf(last.difficulty) + 1, DIFFICULTIES.length - 1)] ?? 'hard') : (last?.difficulty ?? 'normal');
  const why = weakest && fitting.length > 0 ? `it exercises ${weakest}, your weakest skill lately` : entries.length === 0 ? 'a good first drill' : 'you have not played it for a while';
  return { scenario: pickd.id, title: pickd.title, difficulty, why };
}

export interface LeaderRow {
  user: string;
  name?: string;
  drills: number;
  best: number;
  average: number;
}

/** Only users in `optedIn`; ranked by average, then best, then drills played. */
export function leaderboard(entries: readonly ScoreEntry[], optedIn: ReadonlySet<string>, size = 10): LeaderRow[] {
  const byUser = new Map<string, ScoreEntry[]>();
  for (const e of entries) if (optedIn.has(e.user)) byUser.set(e.user, [...(byUser.get(e.user) ?? []), e]);
  return [...byUser.entries()]
    .map(([user, es]) => {
      const name = es.find((e) => e.name)?.name;
      return { user, ...(name ? { name } : {}), drills: es.length, best: Math.max(...es.map((e) => e.score)), average: mean(es.map((e) => e.score))! };
    })
    .sort((a, b) => b.average - a.average || b.best - a.best || b.drills - a.drills || a.user.localeCompare(b.user))
    .slice(0, size);
}

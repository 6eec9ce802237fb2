/**
 * The drill content once compiled: scenarios by id, a matcher per scenario for the remedies
 * an agent offers, and the agent moves the draft review does not name (asking what the
 * customer wants, closing the conversation).
 */
import { PhraseMatcher } from '../text/phrase-matcher.ts';
import { tokenize } from '../text/tokens.ts';
import type { Resolution, Scenario } from './scenario.ts';

export const MOVES = ['asks_outcome', 'closes'] as const;
export type Move = (typeof MOVES)[number];

export interface DrillCatalog {
  /** In file-name order: the order `drill list` shows. */
  scenarios: ReadonlyMap<string, Scenario>;
  remedies: ReadonlyMap<string, PhraseMatcher<string>>;
  moves: PhraseMatcher<Move>;
}

/** Throws PatternSyntaxError naming the bad pattern; the loader adds the file. */
export function compileRemedies(s: Scenario): PhraseMatcher<string> {
  return new PhraseMatcher(s.resolutions.map((r) => ({ pattern: r.cues, label: r.id, weight: 1, negatable: true })));
}

export function compileMoves(patterns: Record<Move, readonly string[]>): PhraseMatcher<Move> {
  return new PhraseMatcher(MOVES.flatMap((m) => patterns[m].map((pattern) => ({ pattern, label: m, weight: 1, negatable: true }))));
}

/** Ideal before acceptable before partial: the order "best remedy" means everywhere. */
export const REMEDY_RANK = { ideal: 0, acceptable: 1, partial: 2 } as const;

/** The best of some remedies (anything with a quality), if any. */
export function bestRemedy<R extends { quality: Resolution['quality'] }>(remedies: readonly R[]): R | undefined {
  return [...remedies].sort((a, b) => REMEDY_RANK[a.quality] - REMEDY_RANK[b.quality])[0];
}

/** The remedies a reply offers, best first; a negated mention ("we can't refund") is none. */
export function remediesIn(catalog: DrillCatalog, scenario: Scenario, reply: string): Resolution[] {
  const matcher = catalog.remedies.get(scenario.id);
  if (!matcher) return [];
  const found = new Set(matcher.match(tokenize(reply)).filter((m) => !m.negated).map((m) => m.entry.label));
  return scenario.resolutions.filter((r) => found.has(r.id)).sort((a, b) => REMEDY_RANK[a.quality] - REMEDY_RANK[b.quality]);
}

export function movesIn(catalog: DrillCatalog, reply: string): Set<Move> {
  return new Set(catalog.moves.match(tokenize(reply)).filter((m) => !m.negated).map((m) => m.entry.label));
}

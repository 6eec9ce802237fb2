/** What every store does to a case's lists on append, in one place. */
import { MAX_SHOWN_WORDINGS, type CaseAppend } from '../core/ports/case-store.ts';
import type { Step } from '../core/taxonomy.ts';

export function mergeShown(current: readonly string[], added: readonly string[]): string[] {
  return [...current, ...added].slice(-MAX_SHOWN_WORDINGS);
}

/** Steps keep their first-taken order, without repeats. */
export function mergeSteps(current: readonly Step[], added: readonly Step[]): Step[] {
  const out = [...current];
  for (const s of added) if (!out.includes(s)) out.push(s);
  return out;
}

/** The assessment belongs to the last turn of the batch: the one the coach just read. */
export function assessmentIndex(entry: CaseAppend): number {
  return entry.assessment ? entry.turns.length - 1 : -1;
}

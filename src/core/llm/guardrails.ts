/**
 * Checks on every wording a model writes, before an agent sees it. A wording that fails any
 * check is dropped and the curated one takes its place: a model's phrasing is only worth
 * having when it is at least as safe as the playbook's.
 */
import type { Review } from '../advice.ts';
import { redact } from '../privacy/redact.ts';
import { MAX_WORDING_CHARS, MIN_WORDING_CHARS } from './llm-reading.ts';

/** The harmful behaviours of the taxonomy that a suggested wording must never show. */
const FORBIDDEN = new Set(['blame', 'argue', 'dismiss', 'sarcasm', 'overpromise', 'policy_wall', 'excuse']);

/** Template leftovers: "[name]", "{order}", "<customer>", "XXX", "TBD", "Dear [". */
export const PLACEHOLDER = /\[[^\]]*\]|\{[^}]*\}|<[^>]*>|\bX{3,}\b|\bTBD\b|\bINSERT\b|\bN\/A\b/i;

export type WordingProblem = 'too_short' | 'too_long' | 'placeholder' | 'personal_data' | `harmful:${string}`;

export function wordingProblem(text: string, review: (draft: string) => Review): WordingProblem | undefined {
  const t = text.trim();
  if (t.length < MIN_WORDING_CHARS) return 'too_short';
  if (t.length > MAX_WORDING_CHARS) return 'too_long';
  if (PLACEHOLDER.test(t)) return 'placeholder';
  // The case was redacted before the model saw it; a wording that still carries an e-mail,
  // card or phone number got it from somewhere else and must not be pasted to a customer.
  if (redact(t).text !== t) return 'personal_data';
  const harmful = review(t).behaviours.find((b) => FORBIDDEN.has(b));
  return harmful ? `harmful:${harmful}` : undefined;
}

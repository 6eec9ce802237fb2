/** The one set the learned layer is trained on, and how its cases become turns. */
import type { Lexicons } from '../core/analysis/lexicon.ts';
import type { Turn } from '../core/case.ts';
import { readInput } from '../core/parse/read-input.ts';
import { EvalCaseSchema, type EvalCase } from './case-format.ts';

export const TRAINING_SET = {
  name: 'evals/tuning/cases.jsonl',
  path: new URL('../../evals/tuning/cases.jsonl', import.meta.url).pathname,
};

export function readTrainingCases(lex: Lexicons, jsonl: string): { c: EvalCase; turns: Turn[] }[] {
  const out: { c: EvalCase; turns: Turn[] }[] = [];
  for (const line of jsonl.split('\n')) {
    if (line.trim() === '') continue;
    const c = EvalCaseSchema.parse(JSON.parse(line));
    if (c.draft !== undefined && c.turns === undefined && c.raw === undefined) continue;
    out.push({ c, turns: readInput(lex, c.turns ? { turns: c.turns } : { text: c.raw ?? '' }).turns });
  }
  return out;
}

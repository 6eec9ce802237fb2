/** The one set the learned layer is trained on, and how its cases become turns. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lexicons } from '../core/analysis/lexicon.ts';
import type { Turn } from '../core/case.ts';
import { readInput } from '../core/parse/read-input.ts';
import { EvalCaseSchema, type EvalCase } from './case-format.ts';

/** Every .jsonl file in evals/tuning, in name order. Never the dev, holdout or public sets. */
export const TRAINING_SET = {
  name: 'evals/tuning/*.jsonl',
  dir: new URL('../../evals/tuning/', import.meta.url).pathname,
};

export function readTrainingFiles(): string {
  return readTrainingFileList().map((f) => f.jsonl).join('\n');
}

/** The same files one by one, for cross-validation to spread each file over the folds. */
export function readTrainingFileList(): { name: string; jsonl: string }[] {
  const files = readdirSync(TRAINING_SET.dir).filter((f) => f.endsWith('.jsonl')).sort();
  return files.map((name) => ({ name, jsonl: readFileSync(join(TRAINING_SET.dir, name), 'utf8').trimEnd() }));
}

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

/** The labelled drafts of the training files (draft review cases). */
export function readTrainingDrafts(jsonl: string): { id: string; draft: string; behaviours: string[] }[] {
  const out: { id: string; draft: string; behaviours: string[] }[] = [];
  for (const line of jsonl.split('\n')) {
    if (line.trim() === '') continue;
    const c = EvalCaseSchema.parse(JSON.parse(line));
    if (c.draft !== undefined && c.labels?.behaviours) out.push({ id: c.id, draft: c.draft, behaviours: c.labels.behaviours });
  }
  return out;
}

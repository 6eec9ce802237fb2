/**
 * Runs one case of the evaluation format through the engine: what `defuse batch` and
 * `npm run eval` share. A bad case becomes an error object; the run goes on.
 */
import type { Advice } from '../core/advice.ts';
import { DefuseError } from '../core/errors.ts';
import type { Engine } from '../engine.ts';
import { EvalCaseSchema, type EvalCase } from './case-format.ts';

export type CaseOutput =
  | { id: string; advice: Advice }
  | { id: string; review: { behaviours: string[]; findings: unknown[]; summary: string } }
  | { id: string; error: { code: string; message: string } };

export function runCase(engine: Engine, c: EvalCase): CaseOutput {
  try {
    if (c.draft !== undefined && c.turns === undefined && c.raw === undefined) {
      const r = engine.coach.review(c.draft, c.context);
      return { id: c.id, review: { behaviours: r.behaviours, findings: r.findings, summary: r.summary } };
    }
    const { turns, notices } = engine.coach.readInput(c.turns ? { turns: c.turns } : { text: c.raw ?? '' });
    return { id: c.id, advice: engine.offline.analyseSync(turns, { shownWordings: new Set(), notices }) };
  } catch (err) {
    if (err instanceof DefuseError) return { id: c.id, error: { code: err.code, message: err.userMessage } };
    return { id: c.id, error: { code: 'internal', message: 'This case could not be analysed.' } };
  }
}

/** Parses one JSON line into a case, or an error output naming what is wrong. */
export function parseCaseLine(line: string, lineNo: number): EvalCase | CaseOutput {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { id: `line-${lineNo}`, error: { code: 'input_invalid', message: `line ${lineNo} is not valid JSON` } };
  }
  const parsed = EvalCaseSchema.safeParse(raw);
  if (!parsed.success) {
    const id = typeof raw === 'object' && raw !== null && 'id' in raw ? String((raw as { id: unknown }).id) : `line-${lineNo}`;
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { id, error: { code: 'input_invalid', message: `${field}${issue.message}` } };
  }
  return parsed.data;
}

export function isOutput(x: EvalCase | CaseOutput): x is CaseOutput {
  return 'error' in x;
}

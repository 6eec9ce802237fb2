/** Scores the engine on a labelled case file (docs/taxonomy.md §6). */
import { BEHAVIOURS, EMOTIONS, FLAGS, STAGES } from '../core/taxonomy.ts';
import type { Engine } from '../engine.ts';
import { multiLabel, singleLabel, type MultiLabelReport, type SingleLabelReport } from './metrics.ts';
import { isOutput, parseCaseLine, runCase, type CaseOutput } from './run-case.ts';

export interface EvalReport {
  cases: number;
  errors: { id: string; code: string; message: string }[];
  emotion?: SingleLabelReport;
  stage?: SingleLabelReport;
  /** inAccepted: the share (0-1) of cases whose step is one the case accepts. */
  step?: { n: number; inAccepted: number; misses: { id: string; step: string; accepted: string[] }[] };
  flags?: MultiLabelReport;
  behaviours?: MultiLabelReport;
  misses: { id: string; field: string; gold: unknown; pred: unknown }[];
}

export function evaluate(engine: Engine, jsonl: string): EvalReport {
  const emo: { gold: string; pred: string }[] = [];
  const stg: { gold: string; pred: string }[] = [];
  const flg: { gold: string[]; pred: string[] }[] = [];
  const beh: { gold: string[]; pred: string[] }[] = [];
  const steps: { id: string; step: string; accepted: string[] }[] = [];
  const errors: EvalReport['errors'] = [];
  const misses: EvalReport['misses'] = [];
  let cases = 0;
  jsonl.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    cases++;
    const c = parseCaseLine(line, i + 1);
    const out: CaseOutput = isOutput(c) ? c : runCase(engine, c);
    if ('error' in out) {
      errors.push({ id: out.id, ...out.error });
      return;
    }
    const labels = isOutput(c) ? undefined : c.labels;
    if (!labels) return;
    if ('advice' in out) {
      const a = out.advice;
      if (labels.emotion) {
        emo.push({ gold: labels.emotion, pred: a.emotion });
        if (labels.emotion !== a.emotion) misses.push({ id: out.id, field: 'emotion', gold: labels.emotion, pred: a.emotion });
      }
      if (labels.stage) {
        stg.push({ gold: labels.stage, pred: a.stage });
        if (labels.stage !== a.stage) misses.push({ id: out.id, field: 'stage', gold: labels.stage, pred: a.stage });
      }
      if (labels.flags) {
        flg.push({ gold: labels.flags, pred: a.flags });
        const g = [...labels.flags].sort().join(',');
        const p = [...a.flags].sort().join(',');
        if (g !== p) misses.push({ id: out.id, field: 'flags', gold: labels.flags, pred: a.flags });
      }
      if (labels.steps) {
        steps.push({ id: out.id, step: a.step, accepted: labels.steps });
        if (!labels.steps.includes(a.step)) misses.push({ id: out.id, field: 'step', gold: labels.steps, pred: a.step });
      }
    } else if ('review' in out && labels.behaviours) {
      beh.push({ gold: labels.behaviours, pred: out.review.behaviours });
      const g = [...labels.behaviours].sort().join(',');
      const p = [...out.review.behaviours].sort().join(',');
      if (g !== p) misses.push({ id: out.id, field: 'behaviours', gold: labels.behaviours, pred: out.review.behaviours });
    }
  });
  const report: EvalReport = { cases, errors, misses };
  if (emo.length > 0) report.emotion = singleLabel(emo, EMOTIONS);
  if (stg.length > 0) report.stage = singleLabel(stg, STAGES);
  if (steps.length > 0) {
    const ok = steps.filter((s) => s.accepted.includes(s.step));
    report.step = { n: steps.length, inAccepted: ok.length / steps.length, misses: steps.filter((s) => !s.accepted.includes(s.step)) };
  }
  if (flg.length > 0) report.flags = multiLabel(flg, FLAGS);
  if (beh.length > 0) report.behaviours = multiLabel(beh, BEHAVIOURS);
  return report;
}

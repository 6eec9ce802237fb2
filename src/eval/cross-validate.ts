/**
 * k-fold cross-validation of the learned layer on the tuning files: how the training options
 * (src/eval/train.ts) are chosen without ever looking at the development, holdout or public
 * sets. Each fold's models are trained on the other folds and scored the way the engine
 * reads a case: through analyseCase (the hostile rule, the calmed note and all) and
 * decideBehaviours, so the figures are the evaluation's figures on unseen cases.
 */
import { analyseCase } from '../core/analysis/analyse-case.ts';
import type { Lexicons } from '../core/analysis/lexicon.ts';
import { compileModel } from '../core/analysis/linear-model.ts';
import { nextStep } from '../core/policy/next-step.ts';
import { decideBehaviours } from '../core/review/learned-behaviours.ts';
import type { Turn } from '../core/case.ts';
import { BEHAVIOURS, EMOTIONS, FLAGS, STAGES } from '../core/taxonomy.ts';
import type { EvalCase } from './case-format.ts';
import { multiLabel, singleLabel } from './metrics.ts';
import { fitModels, trainingExamples, type TrainedModels, type TrainOptions } from './train.ts';
import { readTrainingCases, readTrainingDrafts } from './training-set.ts';

export interface CvScores {
  emotionMacroF1: number;
  emotionAccuracy: number;
  stageAccuracy: number;
  behavioursMicroF1: number;
  /** Every flag of the latest turn, as the engine decides it: the lexicons, the urgency model and the flag model. */
  flagsMicroF1: number;
  /** The one flag the urgency model decides. */
  urgentF1: number;
  /** The policy's next step (nextStep) inside the case's accepted steps. */
  stepInSet: number;
}

export interface CvReport {
  k: number;
  folds: CvScores[];
  /** The mean over the folds. */
  mean: CvScores;
  /** Every held-out prediction, for the confusion tables. */
  pooled: { emotion: Pair[]; stage: Pair[]; behaviours: Sets[]; flags: Sets[]; steps: boolean[] };
}

type Sets = { gold: string[]; pred: string[] };

type Pair = { gold: string; pred: string; id: string };

/**
 * The fold of every case, by file and id. Within each file the ids are put in the order of a
 * hash (FNV-1a) and dealt round-robin, so every fold holds the same share of every file (the
 * files differ in writer and in what they label) and no fold depends on the files' own order.
 * Lines that share an id share a fold. A repeat other than 0 salts the hash: another split
 * of the same cases, to tell a real difference between two option sets from the luck of one split.
 */
export function assignFolds(files: readonly { name: string; jsonl: string }[], k: number, repeat = 0): Map<string, number> {
  const fold = new Map<string, number>();
  for (const f of files) {
    const ids = [...new Set(f.jsonl.split('\n').filter((l) => l.trim() !== '').map((l) => String((JSON.parse(l) as { id: unknown }).id)))];
    const order = ids.map((id) => ({ id, h: fnv1a(repeat === 0 ? id : `${repeat}:${id}`) })).sort((a, b) => a.h - b.h || (a.id < b.id ? -1 : 1));
    order.forEach(({ id }, i) => fold.set(foldKey(f.name, id), i % k));
  }
  return fold;
}

function scoresOf(p: CvReport['pooled']): CvScores {
  const e = singleLabel(p.emotion, EMOTIONS);
  return {
    emotionMacroF1: e.macroF1,
    emotionAccuracy: e.accuracy,
    stageAccuracy: singleLabel(p.stage, STAGES).accuracy,
    behavioursMicroF1: multiLabel(p.behaviours, BEHAVIOURS).microF1,
    ...flagScores(p.flags),
    stepInSet: p.steps.filter(Boolean).length / Math.max(1, p.steps.length),
  };
}

function flagScores(flags: Sets[]): Pick<CvScores, 'flagsMicroF1' | 'urgentF1'> {
  const r = multiLabel(flags, FLAGS);
  const urgent = r.classes.find((x) => x.label === 'urgent')!;
  return { flagsMicroF1: r.microF1, urgentF1: urgent.f1 };
}

const foldKey = (file: string, id: string) => `${file}\u0000${id}`;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * `byFile` holds out one file at a time instead: each file is one writer's (or one batch's)
 * cases, so this scores the models on phrasing they have never seen, which is what the
 * holdout sets and real agents bring. Its figures are computed over all held-out predictions
 * pooled (some files hold no drafts, others no emotions), and k is the number of files.
 * `trainOnly` (by file only) names files that are always trained on and never held out: with
 * and without them in evals/tuning, the other files' figures show whether new files help
 * the models read other writers.
 */
export function crossValidate(
  lex: Lexicons,
  files: readonly { name: string; jsonl: string }[],
  o: TrainOptions,
  k = 5,
  repeat = 0,
  split: { byFile?: boolean; trainOnly?: RegExp | undefined } = {},
): CvReport {
  const { byFile = false, trainOnly } = split;
  // By file, a case's fold is its file's place in the list.
  const folds = byFile ? undefined : assignFolds(files, k, repeat);
  if (byFile) k = files.length;
  const foldOf = (file: number, id: string) => (folds ? folds.get(foldKey(files[file]!.name, id))! : file);
  const cases = files.flatMap((f, i) => readTrainingCases(lex, f.jsonl).map((x) => ({ ...x, fold: foldOf(i, x.c.id) })));
  const drafts = files.flatMap((f, i) => readTrainingDrafts(f.jsonl).map((d) => ({ ...d, fold: foldOf(i, d.id) })));
  const ex = trainingExamples(lex, cases, drafts, o);
  const scores: CvScores[] = [];
  const pooled: CvReport['pooled'] = { emotion: [], stage: [], behaviours: [], flags: [], steps: [] };
  for (let held = 0; held < k; held++) {
    if (byFile && trainOnly?.test(files[held]!.name)) continue;
    const train = {
      cases: ex.cases.filter((_, i) => cases[i]!.fold !== held),
      drafts: ex.drafts.filter((_, i) => drafts[i]!.fold !== held),
    };
    const models = fitModels(train, `fold ${held}`, o);
    scores.push(score(withModels(lex, models), cases.filter((c) => c.fold === held), drafts.filter((d) => d.fold === held), pooled));
  }
  return { k, folds: scores, pooled, mean: byFile ? scoresOf(pooled) : meanScores(scores) };
}

/** The mean of each score over folds (or over repeated splits). */
export function meanScores(xs: readonly CvScores[]): CvScores {
  const avg = (key: keyof CvScores) => xs.reduce((s, x) => s + x[key], 0) / xs.length;
  return {
    emotionMacroF1: avg('emotionMacroF1'),
    emotionAccuracy: avg('emotionAccuracy'),
    stageAccuracy: avg('stageAccuracy'),
    behavioursMicroF1: avg('behavioursMicroF1'),
    flagsMicroF1: avg('flagsMicroF1'),
    urgentF1: avg('urgentF1'),
    stepInSet: avg('stepInSet'),
  };
}

function withModels(lex: Lexicons, m: TrainedModels): Lexicons {
  return {
    ...lex,
    models: {
      emotion: compileModel(m.emotion),
      stage: compileModel(m.stage),
      behaviours: compileModel(m.behaviours),
      urgency: compileModel(m.urgency),
      flags: compileModel(m.flags),
    },
  };
}

function score(
  lex: Lexicons,
  cases: readonly { c: EvalCase; turns: readonly Turn[] }[],
  drafts: readonly { draft: string; behaviours: readonly string[] }[],
  pooled: CvReport['pooled'],
): CvScores {
  const fold: CvReport['pooled'] = { emotion: [], stage: [], behaviours: [], flags: [], steps: [] };
  for (const { c, turns } of cases) {
    const r = analyseCase(lex, turns);
    if (c.labels?.emotion) fold.emotion.push({ gold: c.labels.emotion, pred: r.emotion, id: c.id });
    if (c.labels?.stage) fold.stage.push({ gold: c.labels.stage, pred: r.stage, id: c.id });
    if (c.labels?.flags) fold.flags.push({ gold: [...c.labels.flags], pred: [...r.flags] });
    if (c.labels?.steps) fold.steps.push(c.labels.steps.includes(nextStep(r).step));
  }
  fold.behaviours = drafts.map((d) => ({ gold: [...d.behaviours], pred: decideBehaviours(lex.models!.behaviours, lex, d.draft).map((f) => f.id) }));
  pooled.emotion.push(...fold.emotion);
  pooled.stage.push(...fold.stage);
  pooled.behaviours.push(...fold.behaviours);
  pooled.flags.push(...fold.flags);
  pooled.steps.push(...fold.steps);
  return scoresOf(fold);
}

/**
 * Trains the learned layer (src/core/analysis/learned.ts) on labelled cases: multinomial
 * logistic regression, full-batch gradient descent with an L2 penalty. Deterministic: the
 * same cases and lexicons always give the same weights, so the shipped models can be
 * checked against a fresh run (test/eval/train.test.ts).
 */
import { analyseCase } from '../core/analysis/analyse-case.ts';
import { replyFeaturesNamed, turnFeatures } from '../core/analysis/features.ts';
import type { Lexicons } from '../core/analysis/lexicon.ts';
import { logits, probabilities, type Features } from '../core/analysis/linear-model.ts';
import type { Turn } from '../core/case.ts';
import { BEHAVIOURS, EMOTIONS, STAGES } from '../core/taxonomy.ts';
import { readBehaviours } from '../core/review/detect-behaviours.ts';
import type { EvalCase } from './case-format.ts';

export interface TrainedModel<L extends string> {
  labels: L[];
  groups: string[];
  trainedOn: string;
  weights: Record<string, number[]>;
  multiLabel?: boolean;
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty: with a few hundred cases, strong enough that no single word decides. */
  l2: number;
  /** A word feature must occur in this many training cases to be learned at all. */
  minCount: number;
}

/** Behaviours are rarer per label than emotions: a lighter penalty lets each logistic learn its words. */
const BEHAVIOUR_L2 = 0.003;

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { epochs: 400, learningRate: 0.1, l2: 0.01, minCount: 2 };

/** Which feature groups each model reads. Words help stage (its cues are open-ended), not emotion. */
export const MODEL_GROUPS = { emotion: ['readings', 'words'], stage: ['readings', 'words'] } as const;

/**
 * A word weight this small moves a logit by less than 0.01 per occurrence (words count 0.3):
 * it changes no decision, and leaving it out keeps the files small and start-up fast.
 */
const MIN_WORD_WEIGHT = 0.02;

function keepWeights(name: string, w: readonly number[]): boolean {
  if (name === 'bias') return true;
  const largest = Math.max(...w.map(Math.abs));
  if (name.startsWith('w:') || name.startsWith('b:')) return largest >= MIN_WORD_WEIGHT;
  return largest > 0;
}

interface Example {
  features: Features;
  /** The loss gradient for each label, given the logits: prediction minus target. */
  residual: (z: number[]) => number[];
}

/** The example of a one-of-N choice (softmax): emotion, stage. */
function oneOf(features: Features, label: number): Example {
  return { features, residual: (z) => probabilities(z).map((p, j) => p - (j === label ? 1 : 0)) };
}

/** The example of independent yes/no labels (a logistic each): a reply's behaviours. */
function anyOf(features: Features, labels: ReadonlySet<number>): Example {
  return { features, residual: (z) => z.map((x, j) => 1 / (1 + Math.exp(-x)) - (labels.has(j) ? 1 : 0)) };
}

function fit<L extends string>(labels: readonly L[], groups: readonly string[], data: Example[], trainedOn: string, o: TrainOptions, multiLabel = false): TrainedModel<L> {
  const count = new Map<string, number>();
  for (const ex of data) for (const k of ex.features.keys()) count.set(k, (count.get(k) ?? 0) + 1);
  const weights = new Map<string, number[]>();
  for (const [k, n] of [...count].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const isWord = k.startsWith('w:') || k.startsWith('b:');
    if (!isWord || n >= o.minCount) weights.set(k, labels.map(() => 0));
  }
  const model = { labels, groups, weights: Object.fromEntries(weights) };
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const grad = new Map<string, number[]>();
    for (const ex of data) {
      const r = ex.residual(logits(model, ex.features));
      for (const [k, v] of ex.features) {
        if (!weights.has(k)) continue;
        let g = grad.get(k);
        if (!g) grad.set(k, (g = labels.map(() => 0)));
        for (let j = 0; j < labels.length; j++) g[j]! += r[j]! * v;
      }
    }
    for (const [k, w] of weights) {
      const g = grad.get(k);
      const penalty = k === 'bias' ? 0 : o.l2;
      for (let j = 0; j < labels.length; j++) w[j]! -= o.learningRate * ((g ? g[j]! : 0) / data.length + penalty * w[j]!);
    }
  }
  const out: Record<string, number[]> = {};
  for (const [k, w] of weights) {
    const rounded = w.map((x) => Math.round(x * 1e4) / 1e4);
    if (keepWeights(k, rounded)) out[k] = rounded;
  }
  return { labels: [...labels], groups: [...groups], trainedOn, weights: out, ...(multiLabel ? { multiLabel: true } : {}) };
}

export function trainModels(
  lex: Lexicons,
  cases: { c: EvalCase; turns: readonly Turn[] }[],
  drafts: { draft: string; behaviours: readonly string[] }[],
  trainedOn: string,
  o: TrainOptions = DEFAULT_TRAIN_OPTIONS,
): {
  emotion: TrainedModel<(typeof EMOTIONS)[number]>;
  stage: TrainedModel<(typeof STAGES)[number]>;
  behaviours: TrainedModel<(typeof BEHAVIOURS)[number]>;
} {
  const { models: _m, modelsFrom: _f, ...rules } = lex;
  const rulesOnly: Lexicons = rules;
  const emotion: Example[] = [];
  const stage: Example[] = [];
  for (const { c, turns } of cases) {
    const r = analyseCase(rulesOnly, turns);
    const last = r.customer[r.customer.length - 1]!;
    const ctx = {
      agentSteps: last.agentStepsBefore,
      customerTurnIndex: r.customer.length - 1,
      ruleEmotion: last.emotionReading.emotion,
      ruleStage: last.stageId,
    };
    if (c.labels?.emotion) {
      emotion.push(oneOf(turnFeatures(last, last.emotionReading, ctx, MODEL_GROUPS.emotion), EMOTIONS.indexOf(c.labels.emotion)));
    }
    if (c.labels?.stage) {
      stage.push(oneOf(turnFeatures(last, last.emotionReading, ctx, MODEL_GROUPS.stage), STAGES.indexOf(c.labels.stage)));
    }
  }
  const replies = drafts.map((d) => {
    const r = readBehaviours(rulesOnly, d.draft);
    const present = new Set<string>(r.findings.map((f) => f.id));
    return anyOf(replyFeaturesNamed(r.scores, present, r.questions, d.draft), new Set(d.behaviours.map((b) => BEHAVIOURS.indexOf(b as never))));
  });
  return {
    emotion: fit(EMOTIONS, MODEL_GROUPS.emotion, emotion, `${trainedOn} (${emotion.length} cases)`, o),
    stage: fit(STAGES, MODEL_GROUPS.stage, stage, `${trainedOn} (${stage.length} cases)`, o),
    behaviours: fit(BEHAVIOURS, ['readings', 'words'], replies, `${trainedOn} (${replies.length} drafts)`, { ...o, l2: BEHAVIOUR_L2 }, true),
  };
}

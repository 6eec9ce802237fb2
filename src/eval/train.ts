/**
 * Trains the learned layer (src/core/analysis/learned.ts) on labelled cases: a softmax over
 * emotions, one over stages, a logistic per behaviour for draft review, and a logistic for
 * whether the latest turn is urgent, each fitted by src/eval/fit.ts. Deterministic: the same
 * cases and lexicons always give the same weights, so the shipped models can be checked
 * against a fresh run (test/eval/train.test.ts).
 */
import { analyseCase } from '../core/analysis/analyse-case.ts';
import { replyFeaturesNamed, SINGLE_TURN, turnFeatures, urgencyFeatures, WORD_WEIGHT } from '../core/analysis/features.ts';
import { LEARNED_FLAGS, URGENCY } from '../core/analysis/learned.ts';
import type { Lexicons } from '../core/analysis/lexicon.ts';
import type { Features } from '../core/analysis/linear-model.ts';
import type { Turn } from '../core/case.ts';
import { BEHAVIOURS, EMOTIONS, STAGES } from '../core/taxonomy.ts';
import { readBehaviours } from '../core/review/detect-behaviours.ts';
import type { EvalCase } from './case-format.ts';
import { fitLinear, isWordFeature, type FitOptions, type Labelled } from './fit.ts';

export interface TrainedModel<L extends string> {
  labels: L[];
  groups: string[];
  trainedOn: string;
  weights: Record<string, number[]>;
  multiLabel?: boolean;
}

export interface TrainedModels {
  emotion: TrainedModel<(typeof EMOTIONS)[number]>;
  stage: TrainedModel<(typeof STAGES)[number]>;
  behaviours: TrainedModel<(typeof BEHAVIOURS)[number]>;
  urgency: TrainedModel<(typeof URGENCY)[number]>;
  flags: TrainedModel<(typeof LEARNED_FLAGS)[number]>;
}

export type ModelName = keyof TrainedModels;

export interface TrainOptions extends Omit<FitOptions, 'l2' | 'positiveWeight'> {
  /** Yes/no models only: how much a missed label costs against a false one. */
  positiveWeight: Record<'behaviours' | 'urgency' | 'flags', number>;
  /** Per model: behaviours are rarer per label than emotions or stages. */
  l2: Record<ModelName, number>;
  /** Whether each turn model reads the words as well as the readings. */
  words: Record<'emotion' | 'stage', boolean>;
  /**
   * Whether each turn model is trained with 'single_turn' (features.ts). Inference always
   * computes it; a model without its weight ignores it.
   */
  singleTurn: Record<'emotion' | 'stage', boolean>;
  /**
   * What a word counts in training. Only cross-validation sets it to anything but
   * features.ts's WORD_WEIGHT (which inference uses): the weights are then rescaled so that
   * inference at WORD_WEIGHT gives the same logits.
   */
  wordWeight: number;
  /** A word weight that moves no logit by this much per occurrence is left out of the file. */
  minWordEffect: number;
}

/**
 * Chosen by 5-fold cross-validation on evals/tuning, over 3 splits (`npm run train:cv`; the
 * table is in src/eval/README.md). Everything near these settings scored within half a point.
 */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  // Adam settles in 200 epochs (100 to 400 and steps 0.05 to 0.1 all scored alike), where
  // plain gradient descent had not converged after 400.
  optimiser: 'adam',
  epochs: 200,
  learningRate: 0.1,
  // Converged, the old 0.01 smoothed away most of what the words say: 0.01 -> 0.0003 is worth
  // 5 points of emotion macro-F1; 0.0001 is no better. Behaviours keep 0.003: 0.001 scored
  // 0.3 points higher, within noise, but its weights flag a "handoff" in a plain apology and
  // lose the drill test's playbook agent (test/core/drill.test.ts). Urgency, leave-one-file-out
  // CV: urgent F1 81.3 at 0.0003, 80.9 at 0.001, 79.4 at 0.003; 0.001 is kept, the stronger
  // penalty within noise of the best (src/eval/README.md tells how it was chosen).
  // Flags: the flag model reads words alone, and only adds to the lexicons. Tried on the last
  // five writers' sets before their cues (trained on the sets before them): flags micro-F1
  // gained 1.7 to 7.2 points at 0.0001, less at 0.0003 and 0.001 (src/eval/README.md).
  l2: { emotion: 0.0003, stage: 0.0003, behaviours: 0.003, urgency: 0.001, flags: 0.0001 },
  // 1 adds noise words (-0.5 points), 3 loses some (-0.3).
  minCount: 2,
  // Each behaviour is in about one draft in ten: weighted alike, the logistics were precise
  // (0.85-0.98) but missed half the harmful ones. Weighing a miss three times lifts behaviours
  // micro-F1 by about 2 points; 4 adds 0.3 more but flags a harmful behaviour in 5.4% of clean
  // drafts (3: 3.9%, 1: 1.5%), and each false flag tells an agent to rework a good reply.
  // Urgency: a false deadline misleads the agent as much as a missed one, so the two errors
  // weigh alike.
  positiveWeight: { behaviours: 3, urgency: 1, flags: 1 },
  // Without the words, emotion macro-F1 drops 7 points.
  words: { emotion: true, stage: true },
  // Stage +0.8 points; emotion -0.3 (features.ts).
  singleTurn: { emotion: false, stage: true },
  wordWeight: WORD_WEIGHT,
  // A word weight that moves a logit by less than 0.02 per occurrence changes next to no
  // decision (CV: -0.1 points, within noise; 0.05 costs 0.3): leaving those out keeps the
  // files small and start-up fast.
  minWordEffect: 0.02,
};

/**
 * The options before cross-validation (plain gradient descent), for `npm run train:cv --
 * --baseline`: what differs from the shipped options, the rest shared.
 */
export const BASELINE_TRAIN_OPTIONS: TrainOptions = {
  ...DEFAULT_TRAIN_OPTIONS,
  optimiser: 'gd',
  epochs: 400,
  l2: { emotion: 0.01, stage: 0.01, behaviours: 0.003, urgency: 0.001, flags: 0.0001 },
  positiveWeight: { behaviours: 1, urgency: 1, flags: 1 },
  wordWeight: 0.3,
  minWordEffect: 0.006,
};

/** The training examples of each case (emotion and stage, when labelled) and of each draft. */
export interface Examples {
  cases: { emotion?: Labelled; stage?: Labelled; urgency?: Labelled; flags?: Labelled }[];
  drafts: Labelled[];
}

export function trainingExamples(
  lex: Lexicons,
  cases: readonly { c: EvalCase; turns: readonly Turn[] }[],
  drafts: readonly { draft: string; behaviours: readonly string[] }[],
  o: TrainOptions,
): Examples {
  const { models: _m, modelsFrom: _f, ...rules } = lex;
  const rulesOnly: Lexicons = rules;
  const scale = (f: Features) => (o.wordWeight === WORD_WEIGHT ? f : scaleWords(f, o.wordWeight / WORD_WEIGHT));
  const byCase = cases.map(({ c, turns }) => {
    const r = analyseCase(rulesOnly, turns);
    const last = r.customer[r.customer.length - 1]!;
    const ctx = {
      agentSteps: last.agentStepsBefore,
      agentText: last.agentTextBefore,
      customerTurnIndex: r.customer.length - 1,
      ruleEmotion: last.emotionReading.emotion,
      ruleStage: last.stageId,
    };
    const features = (m: 'emotion' | 'stage') => {
      const f = turnFeatures(last, last.emotionReading, ctx, groupsOf(o, m));
      if (!o.singleTurn[m]) f.delete(SINGLE_TURN);
      return scale(f);
    };
    return {
      ...(c.labels?.emotion ? { emotion: { features: features('emotion'), target: EMOTIONS.indexOf(c.labels.emotion) } } : {}),
      ...(c.labels?.stage ? { stage: { features: features('stage'), target: STAGES.indexOf(c.labels.stage) } } : {}),
      ...(c.labels?.flags
        ? {
            urgency: { features: scale(urgencyFeatures(turnFeatures(last, last.emotionReading, ctx, ['readings', 'words']), last)), target: new Set(c.labels.flags.includes('urgent') ? [0] : []) },
            flags: { features: scale(turnFeatures(last, last.emotionReading, ctx, ['words'])), target: new Set(LEARNED_FLAGS.flatMap((f, j) => (c.labels!.flags!.includes(f) ? [j] : []))) },
          }
        : {}),
    };
  });
  const byDraft = drafts.map((d) => {
    const r = readBehaviours(rulesOnly, d.draft);
    const present = new Set<string>(r.findings.map((f) => f.id));
    const features = scale(replyFeaturesNamed(r.scores, present, r.questions, d.draft));
    return { features, target: new Set(d.behaviours.map((b) => BEHAVIOURS.indexOf(b as never))) };
  });
  return { cases: byCase, drafts: byDraft };
}

export function fitModels(ex: Examples, trainedOn: string, o: TrainOptions): TrainedModels {
  const emotion = ex.cases.flatMap((c) => (c.emotion ? [c.emotion] : []));
  const stage = ex.cases.flatMap((c) => (c.stage ? [c.stage] : []));
  const urgency = ex.cases.flatMap((c) => (c.urgency ? [c.urgency] : []));
  const flags = ex.cases.flatMap((c) => (c.flags ? [c.flags] : []));
  const fit = <L extends string>(m: ModelName, labels: readonly L[], data: Labelled[], what: string): TrainedModel<L> => {
    const yesNo = m === 'behaviours' || m === 'urgency' || m === 'flags';
    const weights = fitLinear(labels.length, data, { ...o, l2: o.l2[m], positiveWeight: yesNo ? o.positiveWeight[m] : 1 });
    const groups = m === 'emotion' || m === 'stage' ? groupsOf(o, m) : m === 'flags' ? ['words'] : ['readings', 'words'];
    return shipped(labels, groups, weights, `${trainedOn} (${data.length} ${what})`, o, yesNo);
  };
  return {
    emotion: fit('emotion', EMOTIONS, emotion, 'cases'),
    stage: fit('stage', STAGES, stage, 'cases'),
    behaviours: fit('behaviours', BEHAVIOURS, ex.drafts, 'drafts'),
    urgency: fit('urgency', URGENCY, urgency, 'cases'),
    flags: fit('flags', LEARNED_FLAGS, flags, 'cases'),
  };
}

export function trainModels(
  lex: Lexicons,
  cases: readonly { c: EvalCase; turns: readonly Turn[] }[],
  drafts: readonly { draft: string; behaviours: readonly string[] }[],
  trainedOn: string,
  o: TrainOptions = DEFAULT_TRAIN_OPTIONS,
): TrainedModels {
  return fitModels(trainingExamples(lex, cases, drafts, o), trainedOn, o);
}

function groupsOf(o: TrainOptions, m: 'emotion' | 'stage'): string[] {
  return o.words[m] ? ['readings', 'words'] : ['readings'];
}

function scaleWords(f: Features, by: number): Features {
  return new Map([...f].map(([k, v]) => [k, isWordFeature(k) ? v * by : v]));
}

/** The model as shipped: weights for WORD_WEIGHT, rounded, without the ones that change nothing. */
function shipped<L extends string>(
  labels: readonly L[],
  groups: string[],
  fitted: Map<string, Float64Array>,
  trainedOn: string,
  { wordWeight, minWordEffect }: TrainOptions,
  multiLabel: boolean,
): TrainedModel<L> {
  const weights: Record<string, number[]> = {};
  for (const [k, w] of fitted) {
    const word = isWordFeature(k);
    const rounded = [...w].map((x) => Math.round((word && wordWeight !== WORD_WEIGHT ? (x * wordWeight) / WORD_WEIGHT : x) * 1e4) / 1e4);
    const largest = Math.max(...rounded.map(Math.abs));
    if (k === 'bias' || (word ? largest * WORD_WEIGHT >= minWordEffect : largest > 0)) weights[k] = rounded;
  }
  return { labels: [...labels], groups, trainedOn, weights, ...(multiLabel ? { multiLabel: true } : {}) };
}

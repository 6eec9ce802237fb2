/**
 * The learned layer: re-decides emotion and stage from the rules' readings with the
 * trained models of prompts/models, and for the latest turn decides urgency and adds the flags
 * the lexicons missed. The rules stay the explanation (their cues are shown); the models
 * weigh them, which the evaluation showed the hand-set thresholds did poorly.
 */
import { FLAGS, type Behaviour, type Emotion, type Flag, type Stage, type Step } from '../taxonomy.ts';
import type { Cue } from './cue.ts';
import { intensityOf, type EmotionReading } from './emotion.ts';
import { readingFeatures, urgencyFeatures, WORD_WEIGHT } from './features.ts';
import { tokenize } from '../text/tokens.ts';
import { argmax, compiledLogits, strongestWords, type CompiledModel } from './linear-model.ts';
import type { TurnReading } from './read-turn.ts';

export interface Models {
  emotion: CompiledModel<Emotion>;
  stage: CompiledModel<Stage>;
  behaviours: CompiledModel<Behaviour>;
  urgency: CompiledModel<'urgent'>;
  flags: CompiledModel<(typeof LEARNED_FLAGS)[number]>;
}

type LearnedFlag = Exclude<Flag, 'urgent'>;
/** The flags the flag model may add to what the lexicons found, in taxonomy order: urgent has a model of its own. */
export const LEARNED_FLAGS = FLAGS.filter((f): f is LearnedFlag => f !== 'urgent') as readonly LearnedFlag[] as readonly [LearnedFlag, ...LearnedFlag[]];

/**
 * The flag model reads the words alone (a logistic per flag over words, pairs and
 * clause-opening words): the lexicons know the phrasings their writers used, and a new writer
 * says the same thing in other words ("that's me done with you lot", "nobody would even
 * notice"). It only adds a flag the lexicons did not find, at better than even odds, and shows
 * the words that weighed most as the reason. Tried on each of the last seven writers' sets
 * before their cues were written, trained on the sets before them, flags micro-F1 rose on
 * every one, by 1.0 to 6.6 points, precision about level (src/eval/README.md).
 */
const FLAG_ODDS = 0;
const BIAS_ONLY: ReadonlyMap<string, number> = new Map([['bias', 1]]);

/** The urgency model's one label: a logistic for whether the turn states a deadline or time pressure. */
export const URGENCY = ['urgent'] as const;

/**
 * Whether a time in the turn presses on the agent is decided by the urgency model, not by the
 * lexicon alone: the same "on Monday" is a deadline in "I start my new job Monday" and a fact
 * in "I got a letter on Monday". Leave-one-file-out CV on evals/tuning: urgent F1 80.3 by the
 * lexicon and the calm-customer rule, 80.9 by the model (src/eval/README.md), trained with both
 * errors weighted alike and read at even odds.
 */
const URGENT_ODDS = 0;

export function learnedReading(
  models: Models,
  r: TurnReading,
  rule: EmotionReading,
  ruleStage: Stage,
  agentSteps: readonly Step[],
  customerTurnIndex: number,
  /** Only the latest turn's stage is ever shown; earlier turns keep the rules' stage. */
  latest = true,
  /** What the agent said since the customer's previous turn. */
  agentText = '',
): { emotion: EmotionReading; stage: Stage; urgent?: boolean; wordFlags?: Cue[] } {
  const ctx = { agentSteps, customerTurnIndex, ruleEmotion: rule.emotion, ruleStage, agentText };
  const named = readingFeatures(r, rule, ctx);
  const words = models.emotion.usesWords || latest ? tokenize(r.text) : [];
  let emotion = argmax(models.emotion.labels, compiledLogits(models.emotion, named, words, WORD_WEIGHT));
  // Abuse or a threat the rules found is never argued away by a weighting: a hostile
  // reading always reaches the agent (and the escalation rules). Cross-validation on
  // evals/tuning puts its cost at half a point of emotion macro-F1 (a few despairing turns the
  // rules read as a threat), too little to risk waving a real threat through.
  if (rule.emotion === 'hostile') emotion = 'hostile';
  const stage = latest ? argmax(models.stage.labels, compiledLogits(models.stage, named, words, WORD_WEIGHT)) : ruleStage;
  const reading = emotion === rule.emotion ? rule : { ...rule, emotion, intensity: intensityOf(emotion, rule.scores, r) };
  if (!latest) return { emotion: reading, stage };
  // Only the latest turn's flags are shown, so only its urgency is weighed.
  const urgent = compiledLogits(models.urgency, urgencyFeatures(named, r), words, WORD_WEIGHT)[0]! > URGENT_ODDS;
  return { emotion: reading, stage, urgent, wordFlags: wordFlags(models.flags, r, words) };
}

/** The flags the flag model adds to the turn's, each with the words that weighed most for it. */
function wordFlags(model: Models['flags'], r: TurnReading, words: ReturnType<typeof tokenize>): Cue[] {
  const z = compiledLogits(model, BIAS_ONLY, words, WORD_WEIGHT);
  const out: Cue[] = [];
  LEARNED_FLAGS.forEach((flag, j) => {
    if (z[j]! <= FLAG_ODDS || r.flags.has(flag) || r.vetoed.has(flag)) return;
    const at = strongestWords(model, words, j);
    // A flag is never shown without the customer's words behind it.
    if (!at) return;
    const start = words[at.start]!.start;
    const end = words[at.end - 1]!.end;
    out.push({ text: r.text.slice(start, end), turn: r.turn, start, end, signal: 'flag', label: flag, weight: 0.5 });
  });
  return out;
}

/**
 * The learned layer: re-decides emotion and stage from the rules' readings with the
 * trained models of prompts/models. The rules stay the explanation (their cues are shown);
 * the models only weigh them, which the evaluation showed the hand-set thresholds did poorly.
 */
import type { Behaviour, Emotion, Stage, Step } from '../taxonomy.ts';
import { intensityOf, type EmotionReading } from './emotion.ts';
import { readingFeatures, WORD_WEIGHT } from './features.ts';
import { tokenize } from '../text/tokens.ts';
import { argmax, compiledLogits, type CompiledModel } from './linear-model.ts';
import type { TurnReading } from './read-turn.ts';

export interface Models {
  emotion: CompiledModel<Emotion>;
  stage: CompiledModel<Stage>;
  behaviours: CompiledModel<Behaviour>;
}

export function learnedReading(
  models: Models,
  r: TurnReading,
  rule: EmotionReading,
  ruleStage: Stage,
  agentSteps: readonly Step[],
  customerTurnIndex: number,
  /** Only the latest turn's stage is ever shown; earlier turns keep the rules' stage. */
  latest = true,
): { emotion: EmotionReading; stage: Stage } {
  const ctx = { agentSteps, customerTurnIndex, ruleEmotion: rule.emotion, ruleStage };
  const named = readingFeatures(r, rule, ctx);
  const words = models.emotion.usesWords || (latest && models.stage.usesWords) ? tokenize(r.text) : [];
  let emotion = argmax(models.emotion.labels, compiledLogits(models.emotion, named, words, WORD_WEIGHT));
  // Abuse or a threat the rules found is never argued away by a weighting: a hostile
  // reading always reaches the agent (and the escalation rules). Cross-validation on
  // evals/tuning puts its cost at half a point of emotion macro-F1 (a few despairing turns the
  // rules read as a threat), too little to risk waving a real threat through.
  if (rule.emotion === 'hostile') emotion = 'hostile';
  const stage = latest ? argmax(models.stage.labels, compiledLogits(models.stage, named, words, WORD_WEIGHT)) : ruleStage;
  const reading = emotion === rule.emotion ? rule : { ...rule, emotion, intensity: intensityOf(emotion, rule.scores, r) };
  return { emotion: reading, stage };
}

/**
 * The features the learned layer reads from one customer turn: the lexicon scores, the
 * rules' own decision, flags, surface signals, what the agent did just before, and the
 * words themselves. Training and inference share this one file.
 */
import { EMOTIONS, STAGES, type Emotion, type Stage, type Step } from '../taxonomy.ts';
import { tokenize } from '../text/tokens.ts';
import type { Features } from './linear-model.ts';
import type { EmotionReading } from './emotion.ts';
import type { TurnReading } from './read-turn.ts';

export interface FeatureContext {
  /** Steps the agent took since the customer's previous turn. */
  agentSteps: readonly Step[];
  /** 0 for the customer's first turn. */
  customerTurnIndex: number;
  ruleEmotion: Emotion;
  ruleStage: Stage;
  /** What the agent said since the customer's previous turn (none when left out). */
  agentText?: string;
}

/** A lexicon score beyond this adds no more evidence: three clear cues are plenty. */
const SCORE_CAP = 3;
/**
 * Words count less than the curated readings: they are many and each is weak. With one L2
 * penalty for all weights this sets how much more a word's weight is held back; 5-fold CV on
 * evals/tuning put it at 0.5 (0.3 and 0.7 within noise, 0.2 and 1.0 worse).
 */
export const WORD_WEIGHT = 0.5;

/** The feature of a case with one customer turn. */
export const SINGLE_TURN = 'single_turn';

/** The named features: everything but the words. */
export function readingFeatures(r: TurnReading, e: EmotionReading, ctx: FeatureContext): Features {
  const f: Features = new Map();
  const add = (k: string, v = 1) => f.set(k, (f.get(k) ?? 0) + v);
  add('bias');
  for (const k of EMOTIONS) add(`emotion_score:${k}`, Math.min(e.scores[k], SCORE_CAP));
  for (const k of STAGES) add(`stage_score:${k}`, Math.min(r.stage[k], SCORE_CAP));
  add(`rule_emotion:${ctx.ruleEmotion}`);
  add(`rule_stage:${ctx.ruleStage}`);
  for (const flag of r.flags.keys()) add(`flag:${flag}`);
  const s = r.signals;
  if (s.capsWords >= 2) add('shouting');
  if (s.exclamations >= 2) add('exclamations');
  if (s.questionMarks >= 1) add('question');
  if (s.profanity > 0) add('profanity');
  add('length', Math.min(s.words / 50, 2));
  const proposal = ctx.agentSteps.includes('resolve') || ctx.agentSteps.includes('handoff');
  add(`agent_proposed:${proposal}`);
  add(`agent_asked:${ctx.agentSteps.includes('diagnose')}`);
  // Every step the agent just took: an apology or a boundary before this turn says as much
  // about where the conversation stands as a proposal does (CV: stage +0.6 points).
  for (const step of ctx.agentSteps) add(`agent_step:${step}`);
  add('customer_turn', Math.min(ctx.customerTurnIndex + 1, 4) / 4);
  // Whether the case has one customer turn (stage is only read for the latest turn, so its
  // first turn is its only one): a lone message's stage is not a step along a conversation,
  // which customer_turn's straight line does not capture. CV on evals/tuning: stage +0.7 to
  // 0.8 points, better in each of 5 splits. Only the stage model is trained with it
  // (train.ts, singleTurn): for emotion it cost 0.3 points, and a model without its weight
  // ignores it. Features of the previous customer turn (its rule emotion and stage, their
  // pairs with this turn's, changes in scores and intensity, its flags, earlier angry turns)
  // did no better on stage, added nothing to this, and most cost emotion up to 0.6 points.
  if (ctx.customerTurnIndex === 0) add(SINGLE_TURN);
  // Whether the agent's turns just before asked anything at all ('?'): agent_asked counts only
  // the questions the behaviour lexicon reads as diagnosis, and an agent's "Does that work for
  // you?" or "Would you prefer a refund or a swap?" awaits a yes, a choice or an objection.
  const agentText = ctx.agentText ?? '';
  if (agentText.includes('?')) add(AGENT_QUESTION_MARK);
  // A reply that opens on the agent's own words ("$150 more?", "A FAN???", "14 DAYS??",
  // "Courier it") is reacting to what the agent just put forward, even when the behaviour
  // lexicon read no proposal there (a fee, a date, a policy, options to choose from).
  // Leave-one-file-out CV on evals/tuning, the two together: stage 77.2 -> 77.9, emotion
  // macro-F1 82.6 -> 82.8, the rest level (src/eval/README.md).
  if (agentText !== '' && opensOnAgentWords(r.text, agentText)) add(ECHO_OPENING);
  return f;
}

/** The features of the agent's turns before this one. */
const AGENT_QUESTION_MARK = 'agent_question_mark';
const ECHO_OPENING = 'echo_opening';

/** How many words open a reply: "$380 for a $1,600 laptop" takes up the agent's figure in its first words. */
const OPENING_WORDS = 6;

/** Words too common to tell that a reply takes up the agent's words. */
const FUNCTION_WORDS = new Set([
  'the', 'and', 'that', 'this', 'with', 'have', 'your', 'will', 'what', 'just', 'been', 'from', 'they', 'there', 'would',
  'could', 'about', 'thanks', 'thank', 'sorry', 'for', 'you', 'are', 'was', 'can', 'not', 'but', 'our', 'its', 'it', 'is',
  'a', 'an', 'to', 'of', 'in', 'on', 'at', 'be', 'we', 'i', 'im', 'me', 'my', 'so', 'if', 'or', 'do', 'no', 'yes', 'ok',
  'okay', 'all', 'any', 'get', 'got', 'one', 'now', 'then', 'than', 'when', 'how', 'why', 'who', 'did', 'does', 'has',
  'had', 'were', 'which', 'also', 'very', 'really', 'some', 'more', 'out', 'up', 'let', 'see', 'know', 'please', 'hi',
  'hello', 'still', 'here', 'need', 'want', 'like', 'make', 'take', 'us', 'them', 'their', 'his', 'her', 'she', 'he',
  'ill', 'youre', 'dont', 'cant', 'wont',
]);

/** Whether one of the reply's first words, other than a function word, is a word of the agent's turns. */
function opensOnAgentWords(text: string, agentText: string): boolean {
  const opening = tokenize(text).slice(0, OPENING_WORDS).filter((t) => !FUNCTION_WORDS.has(t.norm));
  if (opening.length === 0) return false;
  const agentWords = new Set(tokenize(agentText).map((t) => t.norm));
  return opening.some((t) => agentWords.has(t.norm));
}

/**
 * The urgency model's features: the named ones and how many times and hurries the turn names
 * (flags.yaml, urgent `times`; three say no more than two).
 */
export function urgencyFeatures(named: Features, r: TurnReading): Features {
  if (r.times.length === 0) return named;
  const f = new Map(named);
  f.set(TIMES, Math.min(r.times.length, 3));
  return f;
}

const TIMES = 'times';

/** All features by name, as training sees them; inference reads the same through compiledLogits. */
export function turnFeatures(r: TurnReading, e: EmotionReading, ctx: FeatureContext, groups: readonly string[]): Features {
  const f: Features = groups.includes('readings') ? readingFeatures(r, e, ctx) : new Map([['bias', 1]]);
  if (groups.includes('words')) addWordFeatures(f, r.text);
  return f;
}

/**
 * Words, pairs of words and the words that open a clause, named as compiledLogits reads them
 * from tokens. How a clause opens ("Fine.", "Thanks, I suppose", "Right, that's it") tells
 * assent, thanks or a turn against the agent apart better than the same word inside a
 * sentence (CV on evals/tuning: emotion macro-F1 +0.9, stage +0.8, behaviours +0.5 points).
 */
function addWordFeatures(f: Features, text: string): void {
  const tokens = tokenize(text);
  const add = (k: string) => f.set(k, (f.get(k) ?? 0) + WORD_WEIGHT);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    add(`w:${t.norm}`);
    if (t.clauseStart) add(`s:${t.norm}`);
    if (i + 1 < tokens.length) add(`b:${t.norm}_${tokens[i + 1]!.norm}`);
  }
}

/** The named features of an agent's reply for the behaviour model: cue scores and the rules' calls. */
export function replyFeatures(scores: ReadonlyMap<string, number>, present: ReadonlySet<string>, questions: number): Features {
  const f: Features = new Map([['bias', 1]]);
  for (const [b, v] of scores) if (v !== 0) f.set(`cue_score:${b}`, Math.max(-SCORE_CAP, Math.min(v, SCORE_CAP)));
  for (const b of present) f.set(`rule:${b}`, 1);
  if (questions > 0) f.set('questions', Math.min(questions, 3));
  return f;
}

/** All reply features by name, as training sees them. */
export function replyFeaturesNamed(scores: ReadonlyMap<string, number>, present: ReadonlySet<string>, questions: number, text: string): Features {
  const f = replyFeatures(scores, present, questions);
  addWordFeatures(f, text);
  return f;
}

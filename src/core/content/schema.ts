/**
 * The shapes of the curated content in prompts/. Validated once at start by the loader
 * (src/content); a bad file fails with its path and the field, never an empty playbook.
 */
import { z } from 'zod';
import { BEHAVIOURS, EMOTIONS, FLAGS, STAGES, STEPS, EmotionSchema, StepSchema, type Behaviour, type Emotion, type Flag, type Stage } from '../taxonomy.ts';
import type { LinearModel } from '../analysis/linear-model.ts';

const text = z.string().trim().min(1);
/** One word as the tokenizer reads it: lower case, no apostrophe, no space. */
const word = z.string().regex(/^[\p{Ll}\p{N}]+$/u, 'one lower-case word without apostrophes or spaces, as the text reads it');
/** Slots a wording may use; each is filled from the case or the wording is not offered. */
export const SLOTS = ['issue', 'deadline', 'remedy'] as const;
export type Slot = (typeof SLOTS)[number];
/**
 * Situations a wording is written for (policy/safety.ts): such a wording is offered only in
 * its situation, and first. Words for someone in despair must never reach a customer who only
 * asked for a manager, and a gas leak needs other words than a billing error.
 */
export const SITUATIONS = ['self_harm', 'danger'] as const;
export type Situation = (typeof SITUATIONS)[number];

export const GuidanceCatalogSchema = z
  .array(
    z.object({
      file: z.string().regex(/^\d{3}_[0-9a-f]+\.txt$/, 'a guidance file name such as 000_60e354b8b88c955e.txt'),
      title: text,
      untitled: z.boolean().default(false),
      sections: z
        .array(z.object({ heading: text, summary: text, inferred: z.boolean().default(false) }))
        .min(1),
    }),
  )
  .min(1);
export type GuidanceCatalog = z.infer<typeof GuidanceCatalogSchema>;

const wordingText = text.max(240).refine((s) => !/\.\.\.|…|_{2,}/.test(s), 'must be a complete sentence, no "..." or blanks');

export const PlaybookStepSchema = z.object({
  id: StepSchema,
  order: z.number().int().min(1).max(STEPS.length),
  title: text.max(40),
  goal: text,
  when: text,
  rationale: text,
  sources: z.array(z.object({ file: text, section: text })).min(1).max(4),
  wordings: z
    .array(z.object({ text: wordingText, emotions: z.array(EmotionSchema).min(1).optional(), situations: z.array(z.enum(SITUATIONS)).min(1).optional() }))
    .min(5),
  avoid: z.array(z.object({ text, why: text })).min(3),
});
export type PlaybookStep = z.infer<typeof PlaybookStepSchema>;

export const SelfCareSchema = z.object({ lines: z.array(text.max(140)).min(3) });

/** A map from phrase pattern to weight. Weights are reasons: see the comments in each file. */
const weights = z.record(z.string().min(1), z.number().min(-5).max(5));

export const EmotionLexiconSchema = z.object(
  Object.fromEntries(EMOTIONS.map((e) => [e, weights])) as Record<(typeof EMOTIONS)[number], typeof weights>,
);
export const StageLexiconSchema = z.object(
  Object.fromEntries(STAGES.map((s) => [s, weights])) as Record<(typeof STAGES)[number], typeof weights>,
);
/**
 * `waived_by`: words with which the customer lifts the flag for the whole message ("no rush at
 * all"); a "but" just after keeps it ("no panic, but the appointment is tomorrow").
 * `not_own`: `not` entries about the customer's own people ("my manager needs the invoice").
 * In a turn the agent reports ("he wants to speak to my manager") "my" is the agent's, so
 * they do not apply there.
 */
const flagEntry = z.object({
  cues: z.array(text).min(3),
  not: z.array(text).default([]),
  not_own: z.array(text).default([]),
  waived_by: z.array(text).default([]),
});
/**
 * safety_risk has three kinds of cue: a threat to someone else (`cues`), met with a boundary;
 * words of despair or self-harm (`to_self`), met with care; and a danger where the customer is
 * (`danger`: gas, fire, medicine running out), met with the people who can act now.
 */
const safetyEntry = flagEntry.extend({ to_self: z.array(text).min(3), danger: z.array(text).min(3) });
/**
 * urgent also lists `times`: words that name a time or a hurry ("on Monday", "by the 25th",
 * "tonight"). They do not set the flag: the learned urgency model (models/urgency.json)
 * decides whether a time presses on the agent, and these are the words it points at. And
 * `pressing`: the customer saying outright they are short of time; these set the flag and the
 * model does not overrule them.
 */
const urgentEntry = flagEntry.extend({ times: z.array(text).min(3), pressing: z.array(text).min(1) });
export const FlagLexiconSchema = z.object({
  ...(Object.fromEntries(FLAGS.map((f) => [f, flagEntry])) as Record<(typeof FLAGS)[number], typeof flagEntry>),
  safety_risk: safetyEntry,
  urgent: urgentEntry,
});
export const BehaviourLexiconSchema = z.object(
  Object.fromEntries(BEHAVIOURS.map((b) => [b, weights])) as Record<(typeof BEHAVIOURS)[number], typeof weights>,
);

export const SignalsSchema = z.object({
  /** Words that strengthen what follows ("absolutely", "so"): raise intensity. */
  intensifiers: z.array(text).min(3),
  /** Profanity; aimed at a person it is abuse, at a thing it only raises intensity. */
  profanity: z.array(text).min(1),
  /** Words in capitals that are not shouting ("ATM", "PIN"). */
  acronyms: z.array(text),
  /** Insults: with "you"/"your staff" nearby they are abuse. */
  insults: z.array(text).min(3),
  /** Words that only name a person insultingly: abuse wherever they stand. */
  insult_nouns: z.array(text).min(1),
  /**
   * Common misspellings -> the word as the lexicons spell it ("laywer": "lawyer"): every lexicon
   * then reads the misspelt word as that word too (tokens.ts, Token.alt). Only misspellings
   * that are not themselves English words.
   */
  spellings: z.record(word, word),
  /** Whom an insult is aimed at: single words as the text reads them (read-turn.ts). */
  abuse_targets: z.object({
    you: z.array(word).min(1),
    people: z.array(word).min(1),
    filler: z.array(word).min(1),
    lead_in: z.array(word),
    name_calling: z.array(word).min(1),
    self: z.array(word),
    third_person: z.array(word),
    things: z.array(word),
    owner_verbs: z.array(word),
  }),
  /** Words that cannot be the flag model's only evidence for a flag it adds (learned.ts). */
  bare_words: z.array(word).min(1),
});

export const NarrationSchema = z.object({
  /** Phrases that show the agent is describing the customer rather than quoting them. */
  narrator: z.array(text).min(3),
  /** Lines where the agent talks to the coach ("what do I say?"); never read as the customer. */
  coach_questions: z.array(text).min(3),
  /** What the agent says they already did, in notes or narration, by the step it counts as. */
  agent_actions: z.record(StepSchema, z.array(text)),
});

export const SlotLexiconSchema = z.object({
  /** Pattern -> how a wording names the problem ("the double charge"). First match wins. */
  issue: z.array(z.tuple([text, text])).min(5),
  /** Pattern -> the remedy the customer asked for ("a refund"). */
  remedy: z.array(z.tuple([text, text])).min(3),
});

/** A trained model (src/core/analysis/linear-model.ts); written by `npm run train`. */
export const LinearModelSchema = <L extends string>(labels: readonly [L, ...L[]]) =>
  z
    .object({
      labels: z.array(z.enum(labels)).length(labels.length),
      groups: z.array(z.enum(['readings', 'words'])).min(1),
      trainedOn: z.string().min(1),
      weights: z.record(z.string().min(1), z.array(z.number().finite()).length(labels.length)),
      multiLabel: z.boolean().optional(),
    })
    .refine((m) => 'bias' in m.weights, { message: 'weights.bias is missing' })
    .refine((m) => new Set(m.labels).size === labels.length, { message: 'labels must list every label once' });

export const CONTENT_FILES = {
  guidance: 'guidance.yaml',
  selfCare: 'self-care.yaml',
  emotion: 'lexicons/emotion.yaml',
  stage: 'lexicons/stage.yaml',
  flags: 'lexicons/flags.yaml',
  behaviours: 'lexicons/behaviours.yaml',
  signals: 'lexicons/signals.yaml',
  narration: 'lexicons/narration.yaml',
  slots: 'lexicons/slots.yaml',
  emotionModel: 'models/emotion.json',
  stageModel: 'models/stage.json',
  behaviourModel: 'models/behaviours.json',
  urgencyModel: 'models/urgency.json',
  flagModel: 'models/flags.json',
} as const;

export interface Content {
  guidance: GuidanceCatalog;
  playbook: ReadonlyMap<(typeof STEPS)[number], PlaybookStep>;
  selfCare: string[];
  emotion: z.infer<typeof EmotionLexiconSchema>;
  stage: z.infer<typeof StageLexiconSchema>;
  flags: z.infer<typeof FlagLexiconSchema>;
  behaviours: z.infer<typeof BehaviourLexiconSchema>;
  signals: z.infer<typeof SignalsSchema>;
  narration: z.infer<typeof NarrationSchema>;
  slots: z.infer<typeof SlotLexiconSchema>;
  /** The trained layer; left out only while training it (`npm run train`). */
  models?: {
    emotion: LinearModel<Emotion>;
    stage: LinearModel<Stage>;
    behaviours: LinearModel<Behaviour>;
    urgency: LinearModel<'urgent'>;
    flags: LinearModel<Exclude<Flag, 'urgent'>>;
  };
}

/**
 * Compiles the lexicons of prompts/lexicons into matchers, once per loaded content.
 * In a weight map a key that starts with "!" is not cancelled by a negator before it
 * (use it for phrases whose meaning survives "not", such as "not acceptable").
 */
import { PhraseMatcher, restoreSlots, SlotImages, type MatcherImage, type PhraseEntry, type PhraseMatch, type Slot, type SlotImage } from '../text/phrase-matcher.ts';
import { useSpellings, type Token } from '../text/tokens.ts';
import { CONTENT_FILES, type Content } from '../content/schema.ts';
import { withPatternContext } from '../content/check-content.ts';
import type { Models } from './learned.ts';
import { compileModel } from './linear-model.ts';
import type { Behaviour, Emotion, Flag, Stage, Step } from '../taxonomy.ts';

export interface Lexicons {
  emotion: PhraseMatcher<Emotion>;
  stage: PhraseMatcher<Stage>;
  flags: PhraseMatcher<Flag>;
  flagBlockers: PhraseMatcher<Flag>;
  behaviours: PhraseMatcher<Behaviour>;
  intensifiers: PhraseMatcher<'intensifier'>;
  profanity: PhraseMatcher<'profanity'>;
  insults: PhraseMatcher<'insult'>;
  insultNouns: PhraseMatcher<'insult'>;
  acronyms: ReadonlySet<string>;
  /** signals.yaml `abuse_targets`: whom an insult is aimed at. */
  abuseTargets: AbuseTargets;
  /** signals.yaml `bare_words`: words that alone never show why the flag model added a flag. */
  bareWords: ReadonlySet<string>;
  /** The seven lexicons above that read every customer turn, combined for one pass (matchTurn). */
  turnPass: PhraseMatcher<string>;
  narrator: PhraseMatcher<'narrator'>;
  coachQuestions: PhraseMatcher<'coach'>;
  agentActions: PhraseMatcher<Step>;
  /** Labels are indexes into content.slots.issue / remedy. */
  issue: PhraseMatcher<string>;
  remedy: PhraseMatcher<string>;
  /** The learned layer over the readings; absent when training it (rules alone). */
  models?: Models;
  /** The content models the compiled ones came from. */
  modelsFrom?: Content['models'];
}

export type AbuseTargets = { readonly [K in keyof Content['signals']['abuse_targets']]: ReadonlySet<string> };

function wordSets(lists: Content['signals']['abuse_targets']): AbuseTargets {
  return Object.fromEntries(Object.entries(lists).map(([k, words]) => [k, new Set(words)])) as unknown as AbuseTargets;
}

function compiledModels(content: Content): Pick<Lexicons, 'models' | 'modelsFrom'> {
  if (!content.models) return {};
  return {
    models: {
      emotion: compileModel(content.models.emotion),
      stage: compileModel(content.models.stage),
      behaviours: compileModel(content.models.behaviours),
      urgency: compileModel(content.models.urgency),
      flags: compileModel(content.models.flags),
    },
    modelsFrom: content.models,
  };
}

function fromWeights<L extends string>(map: Partial<Record<L, Record<string, number>>>): PhraseEntry<L>[] {
  const out: PhraseEntry<L>[] = [];
  for (const [label, entries] of Object.entries(map) as [L, Record<string, number>][]) {
    for (const [key, weight] of Object.entries(entries)) {
      const fixed = key.startsWith('!');
      out.push({ pattern: fixed ? key.slice(1) : key, label, weight, negatable: !fixed });
    }
  }
  return out;
}

function fromList<L extends string>(label: L, list: readonly string[], negatable = false, kind?: string): PhraseEntry<L>[] {
  return list.map((pattern) => ({ pattern, label, weight: 1, negatable, ...(kind ? { kind } : {}) }));
}

/**
 * Keyed by the parsed emotion lexicon, not by the Content object: the loader checks the
 * lexicons before the whole Content exists, and the engine must reuse that compilation
 * instead of compiling everything a second time at start-up.
 */
const cache = new WeakMap<object, Lexicons>();

/** The kind of a safety_risk cue where the risk is to the customer themselves (flags.yaml, `to_self`). */
export const TO_SELF = 'to_self';
/** The kind of a safety_risk cue naming a danger where the customer is (flags.yaml, `danger`). */
export const DANGER = 'danger';
/** The kind of an urgent entry that names a time for the urgency model to weigh (flags.yaml, `times`). */
export const TIME = 'time';
/** The kind of an urgent cue that says outright time is short, which the urgency model never overrules (flags.yaml, `pressing`). */
export const PRESSING = 'pressing';
/** The kind of a flag blocker that lifts the flag for the whole message (flags.yaml, `waived_by`). */
export const WAIVER = 'waiver';
/** The kind of a flag blocker about the customer's own people, void in a turn the agent reports (flags.yaml, `not_own`). */
export const OWN = 'own';

/** Any flag's lexicon entry, with the lists only some flags have (safety_risk's, urgent's) as optional: derived from the schema, so a new list needs no edit here. */
type AnyFlagEntry = Content['flags'][Flag] & Partial<Content['flags']['safety_risk']> & Partial<Content['flags']['urgent']>;

/** The matchers an image keeps (turnPass is combined from them, which costs little). */
const IMAGED = [
  'emotion', 'stage', 'flags', 'flagBlockers', 'behaviours', 'intensifiers', 'profanity', 'insults', 'insultNouns',
  'narrator', 'coachQuestions', 'agentActions', 'issue', 'remedy',
] as const;
type Imaged = (typeof IMAGED)[number];

/**
 * The compiled lexicons as plain data (phrase-matcher.ts, MatcherImage). The content snapshot
 * keeps one beside the content it was compiled from, so a start restores the matchers instead
 * of parsing some 9,000 phrase alternatives again.
 */
export interface LexiconImage {
  slots: SlotImage[];
  matchers: Record<Imaged, MatcherImage>;
}

/** Images offered for a content (offerLexiconImage), keyed like the cache below. */
const images = new WeakMap<object, LexiconImage>();

/**
 * Lets compileLexicons restore this content's matchers from an image made by lexiconImage from
 * the same content and the same compiler (the snapshot's key covers both). An image that does
 * not fit is ignored and the lexicons are compiled afresh.
 */
export function offerLexiconImage(content: Content, image: LexiconImage): void {
  images.set(content.emotion, image);
}

export function lexiconImage(lex: Lexicons): LexiconImage {
  const slots = new SlotImages();
  const matchers = Object.fromEntries(IMAGED.map((k) => [k, lex[k].image(slots)])) as Record<Imaged, MatcherImage>;
  return { slots: slots.list, matchers };
}

export function compileLexicons(content: Content): Lexicons {
  useSpellings(content.signals.spellings);
  const hit = cache.get(content.emotion);
  // The models are not part of the cached compilation: the loader compiles before they are read.
  if (hit) return hit.modelsFrom === content.models ? hit : { ...hit, ...compiledModels(content) };
  const image = images.get(content.emotion);
  let lex: Lexicons | undefined;
  if (image) {
    try {
      lex = compileFrom(content, { image, slots: restoreSlots(image.slots) });
    } catch {
      // A damaged or foreign image: compiling afresh gives the same matchers, only slower.
    }
  }
  lex ??= compileFrom(content);
  cache.set(content.emotion, lex);
  return lex;
}

function compileFrom(content: Content, from?: { image: LexiconImage; slots: Slot[] }): Lexicons {
  const f = CONTENT_FILES;
  const build = <L extends string>(name: Imaged, file: string, key: string, entries: PhraseEntry<L>[]) =>
    from
      ? PhraseMatcher.fromImage<L>(entries, from.image.matchers[name], from.slots)
      : withPatternContext(file, key, () => new PhraseMatcher<L>(entries));
  const flagCues: PhraseEntry<Flag>[] = [];
  const flagNots: PhraseEntry<Flag>[] = [];
  for (const [flag, entry] of Object.entries(content.flags) as [Flag, AnyFlagEntry][]) {
    const add = (p: string, kind?: string) => {
      const fixed = p.startsWith('!');
      flagCues.push({ pattern: fixed ? p.slice(1) : p, label: flag, weight: 1, negatable: !fixed, ...(kind ? { kind } : {}) });
    };
    for (const p of entry.cues) add(p);
    for (const p of entry.to_self ?? []) add(p, TO_SELF);
    for (const p of entry.danger ?? []) add(p, DANGER);
    for (const p of entry.times ?? []) add(p, TIME);
    for (const p of entry.pressing ?? []) add(p, PRESSING);
    flagNots.push(...fromList(flag, entry.not));
    flagNots.push(...fromList(flag, entry.not_own, false, OWN));
    flagNots.push(...fromList(flag, entry.waived_by, false, WAIVER));
  }
  const parts = {
    emotion: build('emotion', f.emotion, 'emotion', fromWeights(content.emotion)),
    stage: build('stage', f.stage, 'stage', fromWeights(content.stage)),
    flags: build('flags', f.flags, 'cues', flagCues),
    flagBlockers: build('flagBlockers', f.flags, 'not', flagNots),
    behaviours: build('behaviours', f.behaviours, 'behaviours', fromWeights(content.behaviours)),
    intensifiers: build('intensifiers', f.signals, 'intensifiers', fromList('intensifier', content.signals.intensifiers, true)),
    profanity: build('profanity', f.signals, 'profanity', fromList('profanity', content.signals.profanity)),
    insults: build('insults', f.signals, 'insults', fromList('insult', content.signals.insults)),
    insultNouns: build('insultNouns', f.signals, 'insult_nouns', fromList('insult', content.signals.insult_nouns)),
    acronyms: new Set(content.signals.acronyms.map((a) => a.toLowerCase())),
    abuseTargets: wordSets(content.signals.abuse_targets),
    bareWords: new Set(content.signals.bare_words),
    narrator: build('narrator', f.narration, 'narrator', fromList('narrator', content.narration.narrator)),
    coachQuestions: build('coachQuestions', f.narration, 'coach_questions', fromList('coach', content.narration.coach_questions)),
    agentActions: build(
      'agentActions',
      f.narration,
      'agent_actions',
      Object.entries(content.narration.agent_actions).flatMap(([step, list]) => fromList(step as Step, list ?? [], true)),
    ),
    issue: build('issue', f.slots, 'issue', content.slots.issue.map(([pattern], i) => ({ pattern, label: String(i), weight: 1, negatable: false }))),
    ...compiledModels(content),
    remedy: build('remedy', f.slots, 'remedy', content.slots.remedy.map(([pattern], i) => ({ pattern, label: String(i), weight: 1, negatable: false }))),
  };
  return { ...parts, turnPass: turnPass(parts) };
}

export interface TurnMatches {
  emotion: PhraseMatch<Emotion>[];
  stage: PhraseMatch<Stage>[];
  flags: PhraseMatch<Flag>[];
  flagBlockers: PhraseMatch<Flag>[];
  insultNouns: PhraseMatch<'insult'>[];
  /** Insult words anywhere in the turn, whoever they are aimed at. */
  insults: PhraseMatch<'insult'>[];
  profanity: PhraseMatch<'profanity'>[];
  intensifiers: PhraseMatch<'intensifier'>[];
}

function turnPass(lex: Omit<Lexicons, 'turnPass'>): PhraseMatcher<string> {
  return PhraseMatcher.combine([lex.emotion, lex.stage, lex.flags, lex.flagBlockers, lex.insultNouns, lex.insults, lex.profanity, lex.intensifiers]);
}

/** What the turn lexicons find in one turn, in one pass over its tokens. */
export function matchTurn(lex: Lexicons, tokens: Token[]): TurnMatches {
  const [emotion, stage, flags, flagBlockers, insultNouns, insults, profanity, intensifiers] = lex.turnPass.matchGroups(tokens);
  return {
    emotion: emotion as PhraseMatch<Emotion>[],
    stage: stage as PhraseMatch<Stage>[],
    flags: flags as PhraseMatch<Flag>[],
    flagBlockers: flagBlockers as PhraseMatch<Flag>[],
    insultNouns: insultNouns as PhraseMatch<'insult'>[],
    insults: insults as PhraseMatch<'insult'>[],
    profanity: profanity as PhraseMatch<'profanity'>[],
    intensifiers: intensifiers as PhraseMatch<'intensifier'>[],
  };
}

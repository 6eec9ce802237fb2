/**
 * Reads one customer turn: lexicon scores per emotion and stage, flags, abuse aimed at a
 * person, and the surface signals of intensity (capitals, "!!!", profanity). Pure and
 * synchronous; every score keeps the phrases that produced it as cues.
 */
import { EMOTIONS, FLAGS, STAGES, type Emotion, type Flag, type Stage } from '../taxonomy.ts';
import { tokenize, type Token } from '../text/tokens.ts';
import type { PhraseMatch } from '../text/phrase-matcher.ts';
import { DANGER, matchTurn, OWN, PRESSING, TIME, TO_SELF, WAIVER, type AbuseTargets, type Lexicons, type TurnMatches } from './lexicon.ts';
import type { Cue } from './cue.ts';

export interface SurfaceSignals {
  words: number;
  capsWords: number;
  exclamations: number;
  questionMarks: number;
  profanity: number;
  intensifiers: number;
  elongated: number;
}

export interface TurnReading {
  turn: number;
  text: string;
  reported: boolean;
  emotion: Record<Emotion, number>;
  stage: Record<Stage, number>;
  flags: Map<Flag, Cue[]>;
  cues: Cue[];
  signals: SurfaceSignals;
  /** Insults or profanity aimed at a person (the agent, staff). */
  abuse: Cue[];
  /** The safety_risk cues where the risk is to the customer themselves, not to someone else (despair and danger). */
  riskToSelf: Cue[];
  /** Those of riskToSelf that name a danger where the customer is, not despair. */
  danger: Cue[];
  /**
   * Times and hurries named in the turn (flags.yaml, urgent `times`), not lifted by a waiver or
   * a `not` entry. They set no flag: the urgency model weighs them (learned.ts).
   */
  times: Cue[];
  /** Urgent cues that say outright time is short (flags.yaml, urgent `pressing`): the urgency model keeps them. */
  pressing: Cue[];
  /**
   * Flags the lexicons ruled out in the whole turn: a waiver matched ("that's sorted, different
   * question"), or, for abuse, insults or swearing that were read as aimed at no one here. The
   * flag model (learned.ts) never adds these back: a curated "this is not one" outranks a word
   * count.
   */
  vetoed: ReadonlySet<Flag>;
  /**
   * Where a `not` entry ruled its flag out, as token ranges of the turn: the flag model adds no
   * flag whose words touch one ("my manager before I agree"), but may add it for words
   * elsewhere in the turn ("saw a video on youtube" does not hide "and it's going on youtube").
   */
  ruledOut: readonly { flag: Flag; startTok: number; endTok: number }[];
}

const zero = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;


function span(text: string, tokens: Token[], a: number, b: number): { text: string; start: number; end: number } {
  const start = tokens[a]!.start;
  const end = tokens[b - 1]!.end;
  return { text: text.slice(start, end), start, end };
}

function isInsult(lex: Lexicons, tokens: Token[], i: number): number {
  const m = lex.insults.match(tokens.slice(i, i + 4));
  const hit = m.find((x) => x.startTok === 0);
  return hit ? hit.endTok : 0;
}

/**
 * How close a "but" must follow a waiver to take it back: "no rush on the rest of the ticket
 * but I need the certificate by Friday" puts it seven words on.
 */
const WAIVER_BUT_REACH = 8;

/** Flags the customer lifts for the whole message ("not urgent", "no rush at all"). */
function waivedFlags(blockers: readonly PhraseMatch<Flag>[], tokens: readonly Token[]): Set<Flag> {
  const out = new Set<Flag>();
  for (const b of blockers) {
    if (b.entry.kind !== WAIVER) continue;
    const after = tokens.slice(b.endTok, b.endTok + WAIVER_BUT_REACH);
    if (!after.some((t) => t.norm === 'but')) out.add(b.entry.label);
  }
  return out;
}

/**
 * A `not` entry of the flag overlapping the tokens [start, end) means the cue is about something
 * else. In a turn the agent reports, "my manager" is the agent's manager: `not_own` entries are void.
 */
function blockedBy(blockers: readonly PhraseMatch<Flag>[], flag: Flag, start: number, end: number, reported: boolean): boolean {
  return blockers.some((b) => b.entry.label === flag && !(reported && b.entry.kind === OWN) && touches(b, start, end));
}

/**
 * Whether a `not` entry's tokens reach the tokens [start, end): overlapping them or right beside
 * them. The lexicons' cues (blockedBy) and the flag model's (learned.ts) are held to the same reach.
 */
export function touches(b: { startTok: number; endTok: number }, start: number, end: number): boolean {
  return b.startTok <= end && b.endTok >= start;
}

/** Finds insults aimed at a person; profanity about a thing is left to intensity. */
function findAbuse(lex: Lexicons, found: TurnMatches, text: string, tokens: Token[], turn: number, reported: boolean): Cue[] {
  const cues: Cue[] = [];
  const add = (a: number, b: number) => cues.push({ ...span(text, tokens, a, b), turn, signal: 'flag', label: 'abusive_language', weight: 2 });
  const { you, people, filler, lead_in: leadIn, name_calling: nameCalling, self, owner_verbs: ownerVerbs } = lex.abuseTargets;
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i]!.norm;
    let target = -1;
    if (you.has(w)) {
      target = i + 1;
      // "your staff are idiots": the insult must be aimed at people, not at "your app".
      if (w === 'your') {
        if (!people.has(tokens[i + 1]?.norm ?? '')) continue;
        target = i + 2;
      }
    } else if (people.has(w) && (tokens[i - 1]?.norm === 'you' || tokens[i - 1]?.norm === 'the' || tokens[i - 1]?.norm === 'your')) {
      target = i + 1;
    } else if (nameCalling.has(w) && tokens[i + 1]?.norm === 'me') {
      if (abuseSuffered(lex.abuseTargets, tokens, i, i + 2, reported)) continue;
      target = i + 2;
    } else if (w === 'what' && (tokens[i + 1]?.norm === 'a' || tokens[i + 1]?.norm === 'an')) {
      // "what a useless agent": an insult followed by a person word.
      let j = i + 2;
      while (j < tokens.length && j < i + 5 && !people.has(tokens[j]!.norm)) j++;
      if (j < tokens.length && people.has(tokens[j]!.norm) && isInsult(lex, tokens, i + 2) > 0 && !tokens[j]!.clauseStart) add(i, j + 1);
      continue;
    }
    if (target < 0) continue;
    // "Not you. The bot": a new sentence after "you" is aimed at whatever it names, not at the agent.
    if (w !== 'your' && tokens[target]?.clauseStart && filler.has(tokens[target]!.norm)) continue;
    let j = target;
    for (let k = 0; k < 6 && j < tokens.length; k++) {
      if (j > target && tokens[j]!.clauseStart) break;
      const end = isInsult(lex, tokens, j);
      // "ur" is also "your": "ur bot keeps saying sorry" names the agent's bot, not the agent.
      const owned = w === 'ur' && j === target && end === 1 && ownerVerbs.has(tokens[j + 1]?.norm ?? '') && !tokens[j + 1]!.clauseStart;
      // A filler that is itself an insult ("you stupid …") counts as the insult.
      if (end > 0 && !owned && !leadIn.has(tokens[j]!.norm)) {
        if (!(j === target && tokens[j]!.clauseStart)) add(i, j + end);
        break;
      }
      if (!filler.has(tokens[j]!.norm)) break;
      j++;
    }
  }
  // Name-calling needs no "you": "bye, moron", "your clown of a driver". Not when the
  // customer says it of themselves ("I'm such an idiot").
  for (const m of found.insultNouns) {
    const before = tokens.slice(Math.max(0, m.startTok - 4), m.startTok).map((t) => t.norm);
    if (before.some((w, k) => self.has(w) || (w === 'i' && before[k + 1] === 'am'))) continue;
    if (cues.some((c) => c.start <= tokens[m.startTok]!.start && c.end >= tokens[m.endTok - 1]!.end)) continue;
    if (aimedAtThing(lex.abuseTargets, tokens, m.startTok)) continue;
    if (insultSuffered(lex.abuseTargets, tokens, m.startTok, reported)) continue;
    // The lexicon's `not` entries speak for name-calling too ("ordered the wrong one like an idiot").
    if (blockedBy(found.flagBlockers, 'abusive_language', m.startTok, m.endTok, reported)) continue;
    add(m.startTok, m.endTok);
  }
  return cues;
}

/**
 * "He swore at me and called me a silly cow", in the customer's own words, is abuse the customer
 * suffered from someone else (a driver, an engineer), not abuse of the agent. Told by the agent
 * ("he's calling me a cow"), the turn is reported and the customer is the one abusing. On the
 * tuning sets every narrated "called me"/"swore at me" was labelled abuse, every first-hand one not.
 */
function abuseSuffered(targets: AbuseTargets, tokens: readonly Token[], a: number, b: number, reported: boolean): boolean {
  if (reported || !tokens.slice(a, b).some((t) => t.norm === 'me')) return false;
  // "Are you calling me a liar?", "you called me a liar yesterday": the customer, in their own
  // words, holds the agent to a name the agent gave them; they call no one a liar.
  for (let k = a - 1; k >= Math.max(0, a - 4); k--) {
    if (targets.you.has(tokens[k]!.norm)) return true;
    if (tokens[k]!.clauseStart) break;
  }
  // "He's calling me…", "he's just called me…": happening now, so told by the agent of the customer.
  if (/ing$/.test(tokens[a]!.norm)) return false;
  // The subject may stand a few words back ("He swore at me on my own doorstep and called me…"), within the sentence.
  for (let k = a - 1; k >= Math.max(0, a - 9); k--) {
    if (targets.third_person.has(tokens[k]!.norm)) return true;
    if (tokens[k]!.clauseStart) break;
  }
  return false;
}

/** Whether an insult word is the end of "he called me a …" in the customer's own story. */
function insultSuffered(targets: AbuseTargets, tokens: readonly Token[], start: number, reported: boolean): boolean {
  for (let k = Math.max(0, start - 5); k < start; k++) {
    if (tokens[k]!.norm === 'called' && tokens[k + 1]?.norm === 'me' && abuseSuffered(targets, tokens, k, k + 2, reported)) return true;
  }
  return false;
}

/** "This app is a piece of crap" names a thing; "this guy is a piece of work" a person. */
function aimedAtThing(targets: AbuseTargets, tokens: readonly Token[], start: number): boolean {
  if (tokens[start]?.norm !== 'piece') return false;
  const before = tokens.slice(Math.max(0, start - 4), start).map((t) => t.norm);
  return before.some((w) => targets.things.has(w)) && !before.some((w) => targets.you.has(w) || targets.people.has(w));
}

function count(text: string, re: RegExp): number {
  return text.match(re)?.length ?? 0;
}

export function readTurn(lex: Lexicons, text: string, turn: number, reported = false): TurnReading {
  const tokens = tokenize(text);
  const found = matchTurn(lex, tokens);
  const emotion = zero(EMOTIONS);
  const stage = zero(STAGES);
  const flags = new Map<Flag, Cue[]>();
  const cues: Cue[] = [];
  const cue = (m: PhraseMatch, signal: Cue['signal'], label: string, weight: number): Cue => ({
    ...span(text, tokens, m.startTok, m.endTok),
    turn,
    signal,
    label,
    weight,
  });

  // The same phrase counts at most twice: "again… again… again" is not three times the evidence.
  const seen = new Map<string, number>();
  for (const m of found.emotion) {
    const key = m.entry.pattern;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n > 2) continue;
    if (m.negated) {
      // "not happy", "not great": a negated calm cue is a complaint.
      if (m.entry.label === 'calm' && m.entry.weight >= 0.4) {
        emotion.frustrated += 0.8 * m.entry.weight;
        cues.push(cue(m, 'emotion', 'frustrated', 0.8 * m.entry.weight));
      }
      continue;
    }
    emotion[m.entry.label] += m.entry.weight;
    if (m.entry.weight >= 0.3) cues.push(cue(m, 'emotion', m.entry.label, m.entry.weight));
  }

  for (const m of found.stage) {
    if (m.negated) continue;
    stage[m.entry.label] += m.entry.weight;
    if (m.entry.weight >= 0.5) cues.push(cue(m, 'stage', m.entry.label, m.entry.weight));
  }

  const blockers = found.flagBlockers;
  const waived = waivedFlags(blockers, tokens);
  const riskToSelf: Cue[] = [];
  const danger: Cue[] = [];
  const times: Cue[] = [];
  const pressing: Cue[] = [];
  for (const m of found.flags) {
    if (m.negated) continue;
    const flag = m.entry.label;
    if (waived.has(flag)) continue;
    if (blockedBy(blockers, flag, m.startTok, m.endTok, reported)) continue;
    if (flag === 'abusive_language' && (abuseSuffered(lex.abuseTargets, tokens, m.startTok, m.endTok, reported) || insultSuffered(lex.abuseTargets, tokens, m.startTok, reported))) continue;
    if (m.entry.kind === TIME) {
      times.push(cue(m, 'flag', flag, 0.5));
      continue;
    }
    const c = cue(m, 'flag', flag, 1);
    if (m.entry.kind === TO_SELF || m.entry.kind === DANGER) riskToSelf.push(c);
    if (m.entry.kind === DANGER) danger.push(c);
    if (m.entry.kind === PRESSING) pressing.push(c);
    const list = flags.get(flag);
    if (list) list.push(c);
    else flags.set(flag, [c]);
  }

  const abuse = findAbuse(lex, found, text, tokens, turn, reported);
  if (abuse.length > 0) {
    const list = flags.get('abusive_language') ?? [];
    flags.set('abusive_language', [...list, ...abuse]);
  }
  for (const f of FLAGS) {
    const list = flags.get(f);
    if (list) cues.push(...list);
  }

  let capsWords = 0;
  let elongated = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.caps && !lex.acronyms.has(t.norm) && t.norm.length >= 2 && !isCode(t, tokens[i + 1])) capsWords++;
    if (t.elongated) elongated++;
  }
  const signals: SurfaceSignals = {
    words: tokens.length,
    capsWords,
    exclamations: count(text, /!/g),
    questionMarks: count(text, /\?/g),
    profanity: found.profanity.length,
    intensifiers: found.intensifiers.filter((m) => !m.negated).length,
    elongated,
  };
  const vetoed = new Set<Flag>(waived);
  const ruledOut = blockers
    .filter((b) => b.entry.kind !== WAIVER && !(reported && b.entry.kind === OWN))
    .map((b) => ({ flag: b.entry.label, startTok: b.startTok, endTok: b.endTok }));
  if (!flags.has('abusive_language') && (found.profanity.length > 0 || found.insultNouns.length > 0 || found.insults.length > 0)) {
    vetoed.add('abusive_language');
  }
  return { turn, text, reported, emotion, stage, flags, cues, signals, abuse, riskToSelf, danger, times, pressing, vetoed, ruledOut };
}

/**
 * Capitals that are a reference, not a raised voice: a booking or order code with a digit in it
 * ("QZ7K2P", "3DS") or letters just before a long number ("flight LX 1612", "PO 4471"). Pasted cases
 * are full of them, and counting them as shouting made calm messages with a booking reference
 * read hotter.
 */
function isCode(t: Token, next: Token | undefined): boolean {
  // Three digits at least after the letters: "CALLED YOU 5 TIMES" is still shouting.
  return /\d/.test(t.norm) || (t.norm.length <= 3 && next !== undefined && /^\d{3,}$/.test(next.norm));
}

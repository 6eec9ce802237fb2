/**
 * A small phrase language for the lexicons in prompts/lexicons, compiled once at start.
 * It keeps the lexicons readable by reviewers (no regular expressions) and matching fast:
 * candidates are found through an index on the first word, so cost grows with the text,
 * not with the size of the lexicon.
 *
 *   a b|c d       either the phrase "a b" or the phrase "c d" (top-level | separates phrases)
 *   (a|b c)       one slot: "a" or "b c"
 *   [a|b]         an optional slot
 *   refund*       any word starting with "refund" (two letters at least before the *)
 *   ~  or ~N      a gap of 0 to 3 (or N) words
 *   #num          a number or amount ("5", "$16", "3rd")
 * Words are folded like the text: lowercase, apostrophes dropped ("dont" = "don't").
 */
import { foldLexiconWord, wordCount, wordId, wordOf, type Token } from './tokens.ts';

export interface WordTest {
  exact?: string;
  /** Set instead of `exact` for a first word already turned into its id. */
  id?: number;
  prefix?: string;
  num?: boolean;
}
interface GroupSlot {
  kind: 'group';
  /** Ids (wordId) of the one-word exact alternatives, looked up at once: most groups are lists of words. */
  words: ReadonlySet<number>;
  /** Every other alternative (several words, prefixes, numbers), tried in order. */
  alts: WordTest[][];
  optional: boolean;
}
interface GapSlot {
  kind: 'gap';
  max: number;
}
export type Slot = GroupSlot | GapSlot;

export interface PhraseEntry<L extends string = string> {
  pattern: string;
  label: L;
  weight: number;
  /** Whether a negator just before the phrase ("not", "never") cancels it. */
  negatable: boolean;
  /** Which kind of cue this is, where a label has several (safety_risk: a risk to the customer themselves). */
  kind?: string;
}

export interface PhraseMatch<L extends string = string> {
  entry: PhraseEntry<L>;
  /** Token index range [startTok, endTok). */
  startTok: number;
  endTok: number;
  negated: boolean;
}

interface Compiled<L extends string> {
  entry: PhraseEntry<L>;
  /** The entry's place in the list the matcher was made from (its image names entries so). */
  entryIndex: number;
  slots: Slot[];
  id: number;
  second: ReadonlySet<number> | undefined;
  /** The words the phrase may start with (the index keys). */
  first: WordTest[];
  /** Which matcher of a combined pass it came from (PhraseMatcher.combine). */
  group: number;
  /** Word lists of later slots the phrase cannot do without, one of each must be in the text (requiredWords). */
  need: readonly (readonly number[])[];
}

const NEGATORS = new Set([
  'not', 'no', 'never', 'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'cant', 'cannot',
  'couldnt', 'wont', 'wouldnt', 'shouldnt', 'havent', 'hasnt', 'hadnt', 'aint', 'without', 'hardly', 'neither',
  'nor', 'nothing', 'nobody',
]);
/** How far back a negator reaches: "not really that angry" is three words. */
const NEGATION_REACH = 3;
/**
 * Words that open a new clause: a negator before them belongs to another statement
 * ("if this isn't refunded I'm disputing it" threatens a dispute).
 */
const CLAUSE_OPENERS = new Set(['but', 'just', 'and', 'or', 'so', 'then', 'because', 'if', 'unless', 'i', 'im', 'ill', 'ive', 'id', 'we', 'well', 'were', 'weve']);

export class PatternSyntaxError extends Error {}

/** Splits on `sep` outside brackets. */
function splitTop(s: string, sep: string): string[] {
  if (!s.includes('(') && !s.includes('[') && !s.includes(')') && !s.includes(']')) return s.split(sep);
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let k = 0; k < s.length; k++) {
    const ch = s[k];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    if (depth < 0) throw new PatternSyntaxError(`unbalanced brackets in "${s}"`);
    if (ch === sep && depth === 0) {
      out.push(s.slice(from, k));
      from = k + 1;
    }
  }
  if (depth !== 0) throw new PatternSyntaxError(`unbalanced brackets in "${s}"`);
  out.push(s.slice(from));
  return out;
}

function parseWord(w: string, pattern: string): WordTest {
  if (w === '#num') return { num: true };
  if (/[()[\]~]/.test(w)) throw new PatternSyntaxError(`"${w}" is not a word in "${pattern}"`);
  if (w.length > 1 && w.endsWith('*') && !w.slice(0, -1).includes('*')) {
    const p = foldLexiconWord(w.slice(0, -1));
    if (p.length < 2) throw new PatternSyntaxError(`prefix "${w}" is too short (two letters at least) in "${pattern}"`);
    return { prefix: p };
  }
  const exact = foldLexiconWord(w);
  if (exact === '') throw new PatternSyntaxError(`empty word in "${pattern}"`);
  return { exact };
}

function parseAlternative(alt: string, pattern: string): Slot[] {
  const items = splitTop(alt.trim(), ' ').filter((s) => s !== '');
  if (items.length === 0) throw new PatternSyntaxError(`empty alternative in "${pattern}"`);
  return items.map((item): Slot => {
    let slot = SLOTS.get(item);
    if (!slot) {
      slot = parseSlot(item, pattern);
      SLOTS.set(item, slot);
    }
    return slot;
  });
}

/**
 * Parsed slots by their text. The lexicons repeat the same groups ("(you|your)", "(am|is|are)")
 * across thousands of phrases, and parsing each afresh was most of the 50 ms that compiling
 * them took at start-up. Slots are never changed once made, and a word keeps its id for the
 * life of the process, so one parse serves every phrase.
 */
const SLOTS = new Map<string, Slot>();

function parseSlot(item: string, pattern: string): Slot {
  if (item === '~') return { kind: 'gap', max: 3 };
  const gap = /^~(\d)$/.exec(item);
  if (gap) return { kind: 'gap', max: Number(gap[1]) };
  const optional = item.startsWith('[') && item.endsWith(']');
  const grouped = optional || (item.startsWith('(') && item.endsWith(')'));
  const body = grouped ? item.slice(1, -1) : item;
  const alts = (grouped ? splitTop(body, '|') : [body]).map((seq) => {
    const words = seq.trim().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) throw new PatternSyntaxError(`empty group in "${pattern}"`);
    return words.map((w) => parseWord(w, pattern));
  });
  const words = new Set<number>();
  const rest: WordTest[][] = [];
  for (const a of alts) {
    if (a.length === 1 && a[0]!.exact !== undefined) words.add(wordId(a[0]!.exact));
    else rest.push(a);
  }
  return { kind: 'group', words, alts: rest, optional };
}

function firstWords(slots: Slot[], pattern: string): WordTest[] {
  const first = slots[0];
  if (!first || first.kind !== 'group' || first.optional) {
    throw new PatternSyntaxError(`"${pattern}" must start with a word that is not optional`);
  }
  const last = slots[slots.length - 1];
  if (last && last.kind === 'gap') throw new PatternSyntaxError(`"${pattern}" must not end with a gap`);
  return [...[...first.words].map((id) => ({ id })), ...first.alts.map((a) => a[0]!)];
}

function compileAlternative<L extends string>(entry: PhraseEntry<L>, entryIndex: number, slots: Slot[], id: number): Compiled<L> {
  const second = secondWords(slots);
  // A phrase indexed on its first two words has its second proved by the lookup.
  const need = requiredWords(slots.slice(second !== undefined ? 2 : 1));
  return { entry, entryIndex, slots, id, second, first: firstWords(slots, entry.pattern), group: 0, need };
}

/**
 * A compiled matcher as plain data, kept between runs (the content snapshot): parsing every
 * pattern again was most of what compiling the lexicons cost at start-up. One row per phrase
 * alternative: the index of its entry, then the indexes of its slots in a SlotImages list.
 */
export type MatcherImage = number[][];
/** A slot as plain data: a gap's length, or a group with its words as text (ids differ between runs). */
export type SlotImage = number | { words: string[]; alts: WordTest[][]; optional: boolean };

/** The slots of several matchers' images, each once: the lexicons share most of their slots. */
export class SlotImages {
  readonly list: SlotImage[] = [];
  private readonly at = new Map<Slot, number>();

  add(slot: Slot): number {
    let i = this.at.get(slot);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(slot.kind === 'gap' ? slot.max : { words: [...slot.words].map(wordOf), alts: slot.alts, optional: slot.optional });
      this.at.set(slot, i);
    }
    return i;
  }
}

/** The slots of a SlotImages list, made once for every matcher restored from it. */
export function restoreSlots(list: readonly SlotImage[]): Slot[] {
  return list.map((s): Slot => {
    if (typeof s === 'number') return { kind: 'gap', max: s };
    return { kind: 'group', words: new Set(s.words.map(wordId)), alts: s.alts, optional: s.optional };
  });
}

function isNumber(t: Token): boolean {
  return t.num;
}

function wordMatches(w: WordTest, t: Token): boolean {
  if (w.exact !== undefined) return t.norm === w.exact || t.alt === w.exact;
  if (w.id !== undefined) return t.id === w.id || t.altId === w.id;
  if (w.prefix !== undefined) return t.norm.startsWith(w.prefix);
  return w.num === true && isNumber(t);
}

/**
 * Returns the end token index of a match of slots[si..] starting at token ti, or -1. A match ends
 * before `limit`, the start of the next sentence: "I called four times this week. The app…" holds
 * no phrase that takes "week" and "the" together.
 */
function matchFrom(slots: Slot[], si: number, tokens: Token[], ti: number, limit: number): number {
  if (si === slots.length) return ti;
  const slot = slots[si]!;
  if (slot.kind === 'gap') {
    for (let g = 0; g <= slot.max && ti + g <= limit; g++) {
      const end = matchFrom(slots, si + 1, tokens, ti + g, limit);
      if (end !== -1) return end;
    }
    return -1;
  }
  const t = ti < limit ? tokens[ti] : undefined;
  if (t !== undefined && slot.words.size > 0 && (slot.words.has(t.id) || (t.altId !== -1 && slot.words.has(t.altId)))) {
    const end = matchFrom(slots, si + 1, tokens, ti + 1, limit);
    if (end !== -1) return end;
  }
  for (const seq of slot.alts) {
    let k = 0;
    while (k < seq.length && ti + k < limit && wordMatches(seq[k]!, tokens[ti + k]!)) k++;
    if (k === seq.length) {
      const end = matchFrom(slots, si + 1, tokens, ti + k, limit);
      if (end !== -1) return end;
    }
  }
  if (slot.optional) return matchFrom(slots, si + 1, tokens, ti, limit);
  return -1;
}

function negatedAt(tokens: Token[], startTok: number): boolean {
  for (let j = startTok - 1; j >= 0 && j >= startTok - NEGATION_REACH; j--) {
    if (tokens[j + 1]!.clauseStart) return false;
    const w = tokens[j]!.norm;
    if (CLAUSE_OPENERS.has(w)) return false;
    if (NEGATORS.has(w)) return true;
  }
  return false;
}

export class PhraseMatcher<L extends string = string> {
  /** Candidates by the id of their first word (sparse), for phrases whose second word is not fixed. */
  private readonly byWord: (Compiled<L>[] | undefined)[] = [];
  /**
   * Candidates by their first word's id, then their second's: most phrases begin with two
   * plain words, and a common first word ("i", "my", "you") starts hundreds of them; looking
   * up the pair visits only those that can match here.
   */
  private readonly byPair: (Map<number, Compiled<L>[]> | undefined)[] = [];
  private readonly byPrefix = new Map<string, Compiled<L>[]>();
  private readonly byNumber: Compiled<L>[] = [];
  private readonly compiled: Compiled<L>[];
  /** How many matchers a combined one was made of (1 for a plain matcher). */
  private groups = 1;
  /** Which (run, token) last tried each alternative: avoids trying one twice at a token. */
  private stamp: Int32Array = new Int32Array(0);
  private run = 0;
  /** By word id, the scan that last saw the word in the text (requiredWords' check). */
  private seen: Int32Array = new Int32Array(0);
  private scans = 0;
  /** The matches found at the token being scanned. */
  private readonly found: { c: Compiled<L>; m: PhraseMatch<L> }[] = [];

  /** Throws PatternSyntaxError naming the pattern; the content loader adds the file. */
  constructor(entries: readonly PhraseEntry<L>[]) {
    const compiled: Compiled<L>[] = [];
    entries.forEach((entry, e) => {
      for (const alt of splitTop(entry.pattern.trim(), '|')) compiled.push(compileAlternative(entry, e, parseAlternative(alt, entry.pattern), compiled.length));
    });
    this.compiled = compiled;
    for (const c of compiled) this.index(c);
  }

  /** This matcher as plain data (MatcherImage), its slots added to `slots`. */
  image(slots: SlotImages): MatcherImage {
    return this.compiled.map((c) => [c.entryIndex, ...c.slots.map((slot) => slots.add(slot))]);
  }

  /**
   * The matcher `new PhraseMatcher(entries)` makes, from its image and the slots of the same
   * SlotImages (restoreSlots), without parsing a pattern. Throws when the image does not fit
   * the entries; the caller then compiles them afresh.
   */
  static fromImage<L extends string>(entries: readonly PhraseEntry<L>[], image: MatcherImage, slots: readonly Slot[]): PhraseMatcher<L> {
    const out = new PhraseMatcher<L>([]);
    for (const [e, ...at] of image) {
      const entry = entries[e!];
      const parts = at.map((i) => slots[i]);
      if (!entry || parts.length === 0 || parts.some((p) => p === undefined)) throw new RangeError('the matcher image does not fit these entries');
      const c = compileAlternative(entry, e!, parts as Slot[], out.compiled.length);
      out.compiled.push(c);
      out.index(c);
    }
    return out;
  }

  /**
   * One matcher over several compiled ones, read in a single pass with matchGroups: a turn
   * is read by seven lexicons, and one pass touches one index instead of seven.
   */
  static combine<M extends readonly PhraseMatcher<string>[]>(matchers: M): PhraseMatcher<string> {
    const out = new PhraseMatcher<string>([]);
    out.groups = matchers.length;
    matchers.forEach((m, group) => {
      for (const c of m.compiled) {
        const copy = { ...c, id: out.compiled.length, group } as Compiled<string>;
        out.compiled.push(copy);
        out.index(copy);
      }
    });
    return out;
  }

  private index(c: Compiled<L>): void {
    if (c.second !== undefined) {
      // secondWords is only set when the first slot is a list of plain words.
      for (const w of c.first) {
        const pairs = (this.byPair[w.id ?? wordId(w.exact!)] ??= new Map());
        for (const second of c.second) push(pairs, second, c);
      }
      return;
    }
    for (const w of c.first) {
      if (w.id !== undefined || w.exact !== undefined) {
        const id = w.id ?? wordId(w.exact!);
        (this.byWord[id] ??= []).push(c);
      } else if (w.prefix !== undefined) push(this.byPrefix, w.prefix.slice(0, 2), c);
      else this.byNumber.push(c);
    }
  }

  /** The matches of a combined matcher, one list per matcher it was made of, in their order. */
  matchGroups(tokens: Token[]): PhraseMatch<L>[][] {
    const out: PhraseMatch<L>[][] = Array.from({ length: this.groups }, () => []);
    this.scan(tokens, (c, m) => out[c.group]!.push(m));
    return out;
  }

  /** Every match, at most one per phrase alternative and start token. */
  match(tokens: Token[]): PhraseMatch<L>[] {
    const out: PhraseMatch<L>[] = [];
    this.scan(tokens, (_c, m) => out.push(m));
    return out;
  }

  private scan(tokens: Token[], sink: (c: Compiled<L>, m: PhraseMatch<L>) => void): void {
    const count = this.compiled.length;
    if (this.stamp.length !== count || this.run > 2_000_000_000 - tokens.length) {
      this.stamp = new Int32Array(count).fill(-1);
      this.run = 0;
    }
    const base = this.run;
    this.run += tokens.length + 1;
    if (this.seen.length < wordCount() || this.scans === 2_000_000_000) {
      this.seen = new Int32Array(wordCount() + 256).fill(-1);
      this.scans = 0;
    }
    const scan = ++this.scans;
    for (const t of tokens) {
      if (t.id !== -1) this.seen[t.id] = scan;
      if (t.altId !== -1) this.seen[t.altId] = scan;
    }
    const found = this.found;
    // The start of the sentence after token i's: no match runs past it (matchFrom).
    let limit = 0;
    for (let i = 0; i < tokens.length; i++) {
      if (i >= limit) {
        limit = i + 1;
        while (limit < tokens.length && !tokens[limit]!.sentenceStart) limit++;
      }
      const t = tokens[i]!;
      const next = tokens[i + 1];
      if (t.id !== -1) {
        this.tryAll(this.byWord[t.id], tokens, i, limit, base + i);
        if (next !== undefined) this.tryPairs(this.byPair[t.id], next, tokens, i, limit, base + i);
      }
      if (t.altId !== -1) {
        this.tryAll(this.byWord[t.altId], tokens, i, limit, base + i);
        if (next !== undefined) this.tryPairs(this.byPair[t.altId], next, tokens, i, limit, base + i);
      }
      if (this.byPrefix.size > 0) this.tryAll(this.byPrefix.get(t.head), tokens, i, limit, base + i);
      if (t.num) this.tryAll(this.byNumber, tokens, i, limit, base + i);
      if (found.length === 0) continue;
      // Matches at one token come out in the order of the lexicon files, whichever index
      // found them: where readers keep the first match (a slot's value), the file decides.
      if (found.length > 1) found.sort((a, b) => a.c.id - b.c.id);
      for (const f of found) sink(f.c, f.m);
      found.length = 0;
    }
  }

  private hasNeeded(need: readonly (readonly number[])[]): boolean {
    const seen = this.seen;
    const scan = this.scans;
    for (const words of need) {
      let found = false;
      for (const id of words) {
        if (seen[id] === scan) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  }

  private tryPairs(pairs: Map<number, Compiled<L>[]> | undefined, next: Token, tokens: Token[], i: number, limit: number, key: number): void {
    if (!pairs) return;
    if (next.id !== -1) this.tryAll(pairs.get(next.id), tokens, i, limit, key);
    if (next.altId !== -1) this.tryAll(pairs.get(next.altId), tokens, i, limit, key);
  }

  private tryAll(list: Compiled<L>[] | undefined, tokens: Token[], i: number, limit: number, key: number): void {
    if (!list) return;
    const stamp = this.stamp;
    for (const c of list) {
      if (stamp[c.id] === key) continue;
      stamp[c.id] = key;
      if (!this.hasNeeded(c.need)) continue;
      const end = matchFrom(c.slots, 0, tokens, i, limit);
      if (end !== -1) this.found.push({ c, m: { entry: c.entry, startTok: i, endTok: end, negated: c.entry.negatable && negatedAt(tokens, i) } });
    }
  }
}

/**
 * A quick test that rules out most phrases before the general matcher: a phrase with a gap
 * after its first word ("i ~ cancel* ~ account") is tried at every "i", and the index on
 * word pairs cannot narrow it. Each later slot that must take one of a few plain words needs
 * one of them somewhere in the text; the three shortest such lists are checked. `later` is the
 * slots that no index lookup has already proved.
 */
function requiredWords(later: Slot[]): number[][] {
  const out: number[][] = [];
  for (const slot of later) {
    // A long list would cost more to check than the matcher it saves.
    if (slot.kind === 'group' && !slot.optional && slot.alts.length === 0 && slot.words.size > 0 && slot.words.size <= 6) out.push([...slot.words]);
  }
  return out.sort((a, b) => a.length - b.length).slice(0, 3);
}

/** The words the second token must be, when the phrase's first two slots make that certain. */
function secondWords(slots: Slot[]): ReadonlySet<number> | undefined {
  const [a, b] = slots;
  if (!a || !b || a.kind !== 'group' || b.kind !== 'group' || b.optional || b.alts.length > 0) return undefined;
  // The first slot must always take exactly one token.
  if (a.alts.length > 0) return undefined;
  return b.words;
}

function push<K, T>(map: Map<K, T[]>, key: K, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Word tokens with their offsets in the original text, so every cue can quote the
 * customer's exact words. Lowercased, curly quotes folded, elongations ("sooo") folded.
 */
export interface Token {
  /** Lowercased word, runs of 3+ equal letters folded to 2 ("soooo" -> "soo"). */
  norm: string;
  /**
   * The same with such runs folded to 1 ("soo" -> "so"), or the word a common misspelling stands
   * for ("laywer" -> "lawyer", signals.yaml `spellings`); undefined when neither applies.
   */
  alt: string | undefined;
  /** Whether the word was written with a letter run ("sooo"): a sign of intensity. */
  elongated: boolean;
  start: number;
  end: number;
  /** True when punctuation that ends a clause (.,;:!?) or a line break stands before this token. */
  clauseStart: boolean;
  /**
   * True when a sentence ends before this token: a full stop, a question mark or a line break,
   * but not the dot of an abbreviation ("Mr.", "p.m."). A lexicon phrase never runs across it
   * (phrase-matcher.ts). "!" does not count: customers use it for emphasis inside one thought
   * ("Me again! Sorry, I forgot…"); counted, it broke two more correct readings of the tuning
   * cases than without, both of that kind.
   */
  sentenceStart: boolean;
  /** The token as written, all capitals and at least two letters ("NOW", "FIVE"). */
  caps: boolean;
  /** A number or an amount ("5", "$16", "3rd"): what #num in a lexicon pattern matches. */
  num: boolean;
  /** The id of `norm` among the words the lexicons use (wordId), or -1 when none uses it. */
  id: number;
  /** The same for `alt`, or -1. */
  altId: number;
  /** The first two letters of `norm`: the index of prefix patterns ("refund*"). */
  head: string;
}

/**
 * Every word a compiled lexicon uses gets a small integer id, so a matcher finds its
 * candidates for a token by array index instead of one string lookup per lexicon.
 * Tokens made before a word got its id do not carry it: compile every lexicon and model
 * before reading any text (the engine does, at start).
 */
const WORD_IDS = new Map<string, number>();
/** The words by id: a compiled lexicon's image (phrase-matcher.ts) names words, not ids. */
const WORDS: string[] = [];

export function wordId(word: string): number {
  let id = WORD_IDS.get(word);
  if (id === undefined) {
    id = WORD_IDS.size;
    WORD_IDS.set(word, id);
    WORDS.push(word);
    // Cached tokens were given ids before this word had one.
    cache.clear();
  }
  return id;
}

/** The word with this id (wordId). */
export function wordOf(id: number): string {
  const w = WORDS[id];
  if (w === undefined) throw new RangeError(`no word has id ${id}`);
  return w;
}

/** How many words have an id so far (ids run from 0 to this, exclusive). */
export function wordCount(): number {
  return WORD_IDS.size;
}

// Words: letters/digits with inner apostrophes, masked profanity ("f***", "sh*t", "f*cking"),
// and money/number forms ("$5", "4,000", "3rd").
const WORD = /[$€£]?[\p{L}\p{N}]+(?:[''*.,-][\p{L}\p{N}*]+)*\**%?|[$€£]?\*{2,}|\p{Extended_Pictographic}/gu;
const ELONGATED = /(\p{L})\1{2}/u;

const APOSTROPHES = /['\u2018\u2019]/g;

export function foldWord(word: string): string {
  const lower = word.toLowerCase();
  return lower.includes("'") || lower.includes('\u2019') || lower.includes('\u2018') ? lower.replace(APOSTROPHES, '') : lower;
}

/**
 * A lexicon word folded as the text's words are, elongations included: the text reads "ACCC"
 * (the Australian regulator) as "acc", as it reads "sooo" as "soo", so a lexicon that lists
 * "accc" must too.
 */
export function foldLexiconWord(word: string): string {
  const w = foldWord(word);
  return ELONGATED.test(w) ? w.replace(/(\p{L})\1{2,}/gu, '$1$1') : w;
}

// Masked profanity ("f***ing", "sh*t", "c*nt") is read as the word it stands for, so the
// lexicons list each word once. Masking does not soften an insult aimed at a person.
const MASKED: [RegExp, string][] = [
  [/^f[*u]+c?k?(ing|in|ed|er|ers)?$/, 'fuck'],
  [/^s[*h]+[*i]*t(ty|s)?$/, 'shit'],
  [/^c[*u]+n?t(s)?$/, 'cunt'],
  [/^b[*i]+t?c?h(es)?$/, 'bitch'],
  [/^a[*s]+h?ole(s)?$/, 'asshole'],
  [/^d[*a]+m?n$/, 'damn'],
  [/^b[*a]+s?t?ard(s)?$/, 'bastard'],
  [/^b\*{3,}d(s)?$/, 'bastard'],
  // Only the first letter shown: "c***s", "b******s" (a letter per star), "t**t".
  [/^c\*{2,3}(s)?$/, 'cunt'],
  [/^b\*{6}(s)?$/, 'bastard'],
  [/^t\*{2}t(s)?$/, 'twat'],
];

function unmask(word: string): string {
  if (!word.includes('*') || /^\**$/.test(word)) return word;
  for (const [re, base] of MASKED) {
    const m = re.exec(word);
    if (m) return base + (m[1] ?? '');
  }
  return word;
}

/**
 * The same text is tokenised by several readers (parser, lexicons, slots); a small cache
 * keeps that to once. Tokens are never mutated, so sharing them is safe.
 */
const CACHE_SIZE = 256;
const cache = new Map<string, Token[]>();

/** Misspelling -> the word as the lexicons spell it (signals.yaml `spellings`). */
let spellings: Readonly<Record<string, string>> = {};

/**
 * Sets the misspellings tokens read through (their `alt`). Called when lexicons are compiled,
 * before any text is read; cached tokens made under other spellings are dropped.
 */
export function useSpellings(list: Readonly<Record<string, string>>): void {
  if (list === spellings) return;
  spellings = list;
  cache.clear();
}

/**
 * The tokens [start, end) of the sentence, or sentences, holding the characters [from, to) of
 * the text the tokens were read from; undefined when no token reaches them.
 */
export function sentenceAround(tokens: readonly Token[], from: number, to: number): { start: number; end: number } | undefined {
  let start = tokens.findIndex((t) => t.end > from);
  if (start < 0) return undefined;
  let end = tokens.findIndex((t) => t.start >= to);
  if (end < 0) end = tokens.length;
  while (start > 0 && !tokens[start]!.sentenceStart) start--;
  while (end < tokens.length && !tokens[end]!.sentenceStart) end++;
  return { start, end };
}

export function tokenize(text: string): Token[] {
  const hit = cache.get(text);
  if (hit) return hit;
  const tokens = tokenizeUncached(text);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(text, tokens);
  return tokens;
}

/** Whether a clause ends between two words: punctuation or a line break in the gap. */
function gapEndsClause(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    // . , ; : ! ? and line feed
    if (c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 10) return true;
  }
  return false;
}

/** Words whose dot shortens them and ends no sentence ("Dr. Patel", "5 p.m. today" keeps "p.m" as one word). */
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'st', 'vs', 'etc', 'approx', 'jr', 'sr', 'inc', 'ltd', 'co', 'ref', 'acct', 'tel', 'ext', 'dept']);

/** Whether a sentence ends between two words (Token.sentenceStart): . ? or a line break in the gap, not an abbreviation's dot. */
function gapEndsSentence(text: string, from: number, to: number, before: string | undefined): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 63 || c === 10) return true;
    // . right after an abbreviation ("Mr.", "p.m.") belongs to the word, as long as it is the gap's only dot.
    if (c === 46) return !(k === from && before !== undefined && (ABBREVIATIONS.has(before) || before.includes('.')) && text.charCodeAt(k + 1) !== 46);
  }
  return false;
}

/** Three equal letters in a row ("sooo"), checked without a regular expression: most words have none. */
function hasRun(word: string): boolean {
  for (let k = 2; k < word.length; k++) {
    const c = word.charCodeAt(k);
    if (c === word.charCodeAt(k - 1) && c === word.charCodeAt(k - 2) && (c > 57 || c < 48)) return ELONGATED.test(word);
  }
  return false;
}

function tokenizeUncached(text: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
    const raw = m[0];
    const start = m.index;
    // Apostrophes are dropped so "dont" and "don't" read the same; lexicons are folded alike.
    const lower = raw.toLowerCase();
    let norm = foldWord(raw);
    if (norm.includes('*')) norm = unmask(norm);
    // "4,000" and "3.5" stay whole; trailing dots from abbreviations do not.
    if (norm.endsWith('.')) norm = norm.slice(0, -1);
    const elongated = hasRun(norm);
    const folded2 = elongated ? norm.replace(/(\p{L})\1{2,}/gu, '$1$1') : norm;
    const folded1 = elongated ? folded2.replace(/(\p{L})\1+/gu, '$1') : norm;
    // Only a word with a capital in it can be shouting; most words skip the letter scan.
    const letters = raw === lower ? '' : raw.replace(/[^\p{L}]/gu, '');
    const first = folded2.charCodeAt(0);
    const hasAlt = folded1 !== folded2 && folded2 !== norm;
    // A word is either stretched ("sooo") or misspelt, never read through both.
    const respelt = hasAlt ? undefined : Object.hasOwn(spellings, folded2) ? spellings[folded2] : undefined;
    const alt = hasAlt ? folded1 : respelt;
    const clauseStart = tokens.length === 0 || gapEndsClause(text, last, start);
    tokens.push({
      norm: folded2,
      alt,
      elongated: hasAlt,
      start,
      end: start + raw.length,
      clauseStart,
      // A sentence end is also a clause end: the gap is read again only where a clause ends.
      sentenceStart: tokens.length === 0 || (clauseStart && gapEndsSentence(text, last, start, tokens[tokens.length - 1]?.norm)),
      caps: letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase(),
      // A digit, or a currency sign before one: "5", "$16", "3rd".
      num: (first >= 48 && first <= 57) || (folded2.length > 1 && '$€£'.includes(folded2[0]!) && folded2.charCodeAt(1) >= 48 && folded2.charCodeAt(1) <= 57),
      id: WORD_IDS.get(folded2) ?? -1,
      altId: alt === undefined ? -1 : (WORD_IDS.get(alt) ?? -1),
      head: folded2.slice(0, 2),
    });
    last = start + raw.length;
  }
  return tokens;
}

/**
 * Word tokens with their offsets in the original text, so every cue can quote the
 * customer's exact words. Lowercased, curly quotes folded, elongations ("sooo") folded.
 */
export interface Token {
  /** Lowercased word, runs of 3+ equal letters folded to 2 ("soooo" -> "soo"). */
  norm: string;
  /** The same with such runs folded to 1 ("soo" -> "so"), or undefined when equal to norm. */
  alt: string | undefined;
  start: number;
  end: number;
  /** True when punctuation that ends a clause (.,;:!?) or a line break stands before this token. */
  clauseStart: boolean;
  /** The token as written, all capitals and at least two letters ("NOW", "FIVE"). */
  caps: boolean;
}

// Words: letters/digits with inner apostrophes, masked profanity ("f***", "sh*t", "f*cking"),
// and money/number forms ("$5", "4,000", "3rd").
const WORD = /[$€£]?[\p{L}\p{N}]+(?:[''*.,-][\p{L}\p{N}*]+)*\**%?|[$€£]?\*{2,}|\p{Extended_Pictographic}/gu;
const ELONGATED = /(\p{L})\1{2}/u;
const CLAUSE_PUNCT = /[.;:!?,\n]/;

export function foldWord(word: string): string {
  return word.toLowerCase().replace(/['\u2018\u2019]/g, '');
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

export function tokenize(text: string): Token[] {
  const hit = cache.get(text);
  if (hit) return hit;
  const tokens = tokenizeUncached(text);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(text, tokens);
  return tokens;
}

function tokenizeUncached(text: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const m of text.matchAll(WORD)) {
    const raw = m[0];
    const start = m.index;
    const gap = text.slice(last, start);
    // Apostrophes are dropped so "dont" and "don't" read the same; lexicons are folded alike.
    let norm = unmask(foldWord(raw));
    // "4,000" and "3.5" stay whole; trailing dots from abbreviations do not.
    norm = norm.replace(/\.$/, '');
    const elongated = ELONGATED.test(norm);
    const folded2 = elongated ? norm.replace(/(\p{L})\1{2,}/gu, '$1$1') : norm;
    const folded1 = elongated ? folded2.replace(/(\p{L})\1+/gu, '$1') : norm;
    const letters = raw.replace(/[^\p{L}]/gu, '');
    tokens.push({
      norm: folded2,
      alt: folded1 !== folded2 && folded2 !== norm ? folded1 : undefined,
      start,
      end: start + raw.length,
      clauseStart: tokens.length === 0 || CLAUSE_PUNCT.test(gap),
      caps: letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase(),
    });
    last = start + raw.length;
  }
  return tokens;
}

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

export function tokenize(text: string): Token[] {
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
    const folded2 = norm.replace(/(\p{L})\1{2,}/gu, '$1$1');
    const folded1 = folded2.replace(/(\p{L})\1+/gu, '$1');
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

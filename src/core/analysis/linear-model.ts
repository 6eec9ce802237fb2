/**
 * A small multinomial logistic model over named features. It sits on top of the lexicon
 * readings and learns how far to trust each of them; its weights are trained by
 * `npm run train` on evals/tuning only and shipped as reviewable JSON in prompts/models/.
 */
import { wordId, type Token } from '../text/tokens.ts';

export interface LinearModel<L extends string = string> {
  labels: readonly L[];
  /** Feature groups this model was trained with (see features.ts). */
  groups: readonly string[];
  /** feature name -> one weight per label. "bias" is always present. */
  weights: Readonly<Record<string, readonly number[]>>;
  /** Each label is its own yes/no (a logistic per label), not one choice among them. */
  multiLabel?: boolean;
}

export type Features = Map<string, number>;

export function logits<L extends string>(model: LinearModel<L>, features: Features): number[] {
  const z = model.labels.map(() => 0);
  for (const [name, value] of features) {
    const w = model.weights[name];
    if (!w) continue;
    for (let j = 0; j < z.length; j++) z[j]! += w[j]! * value;
  }
  return z;
}

export function probabilities(z: readonly number[]): number[] {
  const max = Math.max(...z);
  const ex = z.map((x) => Math.exp(x - max));
  const sum = ex.reduce((a, b) => a + b, 0);
  return ex.map((x) => x / sum);
}

/**
 * A model laid out for reading one turn without building feature names: word weights (and
 * those of clause-opening words) are indexed by the token's word id (tokens.ts) and pairs of
 * words by both ids, so scoring a long message allocates nothing per word. Gives exactly the
 * logits of `logits`.
 */
export interface CompiledModel<L extends string = string> {
  labels: readonly L[];
  usesWords: boolean;
  named: ReadonlyMap<string, readonly number[]>;
  /** By word id; a hole where the model has no weight for the word. */
  words: readonly (Float64Array | undefined)[];
  /** By pairKey(first id, second id). */
  pairs: ReadonlyMap<number, Float64Array>;
  /** By word id, for a word that opens a clause. */
  starts: readonly (Float64Array | undefined)[];
}

/** Word ids stay far below 2^21 (the lexicons and models hold a few thousand words). */
const pairKey = (a: number, b: number) => a * 2_097_152 + b;

/** Word features are named "w:<word>"; pairs "b:<first>_<second>"; clause openers "s:<word>" (see features.ts). */
export function compileModel<L extends string>(m: LinearModel<L>): CompiledModel<L> {
  const named = new Map<string, readonly number[]>();
  const words: (Float64Array | undefined)[] = [];
  const pairs = new Map<number, Float64Array>();
  const starts: (Float64Array | undefined)[] = [];
  for (const [name, w] of Object.entries(m.weights)) {
    if (name.startsWith('w:')) words[wordId(name.slice(2))] = Float64Array.from(w);
    else if (name.startsWith('s:')) starts[wordId(name.slice(2))] = Float64Array.from(w);
    else if (name.startsWith('b:')) {
      // Words never hold "_" (tokens are letters, digits and a few inner marks), so the first
      // "_" splits the pair.
      const cut = name.indexOf('_');
      pairs.set(pairKey(wordId(name.slice(2, cut)), wordId(name.slice(cut + 1))), Float64Array.from(w));
    } else named.set(name, w);
  }
  return { labels: m.labels, usesWords: m.groups.includes('words'), named, words, pairs, starts };
}

export function compiledLogits<L extends string>(m: CompiledModel<L>, named: Features, tokens: readonly Token[], wordWeight: number): number[] {
  const n = m.labels.length;
  const z = new Array<number>(n).fill(0);
  for (const [name, v] of named) {
    const w = m.named.get(name);
    if (w) for (let j = 0; j < n; j++) z[j]! += w[j]! * v;
  }
  if (m.usesWords) {
    for (let i = 0; i < tokens.length; i++) {
      const id = tokens[i]!.id;
      if (id === -1) continue;
      const w = m.words[id];
      if (w) for (let j = 0; j < n; j++) z[j]! += w[j]! * wordWeight;
      const s = tokens[i]!.clauseStart ? m.starts[id] : undefined;
      if (s) for (let j = 0; j < n; j++) z[j]! += s[j]! * wordWeight;
      const next = tokens[i + 1];
      if (next === undefined || next.id === -1 || m.pairs.size === 0) continue;
      const p = m.pairs.get(pairKey(id, next.id));
      if (p) for (let j = 0; j < n; j++) z[j]! += p[j]! * wordWeight;
    }
  }
  return z;
}

export function argmax<L extends string>(labels: readonly L[], z: readonly number[]): L {
  let best = 0;
  for (let j = 1; j < z.length; j++) if (z[j]! > z[best]!) best = j;
  return labels[best]!;
}

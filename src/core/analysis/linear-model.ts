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
 * those of clause-opening words) are found by the token's word id (tokens.ts) and pairs of
 * words by both ids, so scoring a long message allocates nothing per word. Gives exactly the
 * logits of `logits`.
 * Every weight row sits in one flat array (packWeights), found by its offset.
 */
export interface CompiledModel<L extends string = string> {
  labels: readonly L[];
  usesWords: boolean;
  named: ReadonlyMap<string, readonly number[]>;
  /** All word, pair and clause-opener rows, labels.length numbers each. */
  rows: Float64Array;
  /** By word id, the offset of its row in `rows`; a hole where the model has no weight for the word. */
  words: readonly (number | undefined)[];
  /** By pairKey(first id, second id), the offset of the pair's row. */
  pairs: ReadonlyMap<number, number>;
  /** By word id, the offset of the row for a word that opens a clause. */
  starts: readonly (number | undefined)[];
}

/** Word ids stay far below 2^21 (the lexicons and models hold a few thousand words). */
const pairKey = (a: number, b: number) => a * 2_097_152 + b;

/** A model's weights as two arrays: feature i's weights are rows[i * labels .. (i + 1) * labels). */
export interface PackedWeights {
  names: readonly string[];
  rows: Float64Array;
}

const PACKED = new WeakMap<object, PackedWeights>();

export function packWeights(m: LinearModel): PackedWeights {
  const known = PACKED.get(m);
  if (known) return known;
  const n = m.labels.length;
  const entries = Object.entries(m.weights);
  const rows = new Float64Array(entries.length * n);
  entries.forEach(([, w], i) => rows.set(w, i * n));
  const packed = { names: entries.map(([name]) => name), rows };
  PACKED.set(m, packed);
  return packed;
}

/**
 * A model read back packed (the content snapshot stores models so: JSON.parse and then
 * Object.entries over some 40,000 keys took about 65 ms of the CLI's 300 ms start-up).
 * compileModel reads the arrays; the weights object is built only if something asks for it.
 */
export function modelFromPacked<L extends string>(head: Omit<LinearModel<L>, 'weights'>, packed: PackedWeights): LinearModel<L> {
  const n = head.labels.length;
  let weights: Record<string, readonly number[]> | undefined;
  const model: LinearModel<L> = {
    ...head,
    get weights() {
      weights ??= Object.fromEntries(packed.names.map((name, i) => [name, Array.from(packed.rows.subarray(i * n, (i + 1) * n))]));
      return weights;
    },
  };
  PACKED.set(model, packed);
  return model;
}

/** Word features are named "w:<word>"; pairs "b:<first>_<second>"; clause openers "s:<word>" (see features.ts). */
export function compileModel<L extends string>(m: LinearModel<L>): CompiledModel<L> {
  const n = m.labels.length;
  const { names, rows } = packWeights(m);
  const named = new Map<string, readonly number[]>();
  const words: (number | undefined)[] = [];
  const pairs = new Map<number, number>();
  const starts: (number | undefined)[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const at = i * n;
    if (name.startsWith('w:')) words[wordId(name.slice(2))] = at;
    else if (name.startsWith('s:')) starts[wordId(name.slice(2))] = at;
    else if (name.startsWith('b:')) {
      // Words never hold "_" (tokens are letters, digits and a few inner marks), so the first
      // "_" splits the pair.
      const cut = name.indexOf('_');
      pairs.set(pairKey(wordId(name.slice(2, cut)), wordId(name.slice(cut + 1))), at);
    } else named.set(name, Array.from(rows.subarray(at, at + n)));
  }
  return { labels: m.labels, usesWords: m.groups.includes('words'), named, rows, words, pairs, starts };
}

export function compiledLogits<L extends string>(m: CompiledModel<L>, named: ReadonlyMap<string, number>, tokens: readonly Token[], wordWeight: number): number[] {
  const n = m.labels.length;
  const z = new Array<number>(n).fill(0);
  for (const [name, v] of named) {
    const w = m.named.get(name);
    if (w) for (let j = 0; j < n; j++) z[j]! += w[j]! * v;
  }
  if (m.usesWords) {
    const rows = m.rows;
    const add = (at: number) => {
      for (let j = 0; j < n; j++) z[j]! += rows[at + j]! * wordWeight;
    };
    for (let i = 0; i < tokens.length; i++) {
      const id = tokens[i]!.id;
      if (id === -1) continue;
      const w = m.words[id];
      if (w !== undefined) add(w);
      const s = tokens[i]!.clauseStart ? m.starts[id] : undefined;
      if (s !== undefined) add(s);
      const next = tokens[i + 1];
      if (next === undefined || next.id === -1 || m.pairs.size === 0) continue;
      const p = m.pairs.get(pairKey(id, next.id));
      if (p !== undefined) add(p);
    }
  }
  return z;
}

/**
 * The word, clause-opening word or pair of words that adds most to label j's logit, as a token
 * range [start, end): what a word model read, shown to the agent as the reason for its call.
 * Neighbouring words that also count for the label widen it, within the clause and up to
 * MAX_SHOWN words: "way forward anymore" tells the agent more than "anymore".
 * `noReason` marks words that cannot be the reason on their own ("a", "the"): they are never
 * the single word chosen (a caller that trims them would be left with nothing to show), though
 * they may still widen the range or open a pair.
 */
export function strongestWords<L extends string>(
  m: CompiledModel<L>,
  tokens: readonly Token[],
  j: number,
  noReason?: (t: Token) => boolean,
): { start: number; end: number } | undefined {
  const n = m.labels.length;
  let best: { start: number; end: number } | undefined;
  let top = 0;
  const consider = (at: number | undefined, start: number, end: number) => {
    if (at === undefined) return;
    const w = m.rows[at + j]!;
    if (w > top) {
      top = w;
      best = { start, end };
    }
  };
  if (!m.usesWords || j < 0 || j >= n) return undefined;
  for (let i = 0; i < tokens.length; i++) {
    const id = tokens[i]!.id;
    if (id === -1) continue;
    const alone = !noReason?.(tokens[i]!);
    if (alone) consider(m.words[id], i, i + 1);
    if (alone && tokens[i]!.clauseStart) consider(m.starts[id], i, i + 1);
    const next = tokens[i + 1];
    if (next !== undefined && next.id !== -1) consider(m.pairs.get(pairKey(id, next.id)), i, i + 2);
  }
  if (!best) return undefined;
  let { start, end } = best;
  const counts = (t: Token | undefined) => {
    const at = t && t.id !== -1 ? m.words[t.id] : undefined;
    return at !== undefined && m.rows[at + j]! > 0;
  };
  while (end - start < MAX_SHOWN) {
    if (start > 0 && !tokens[start]!.clauseStart && counts(tokens[start - 1])) start--;
    else if (end < tokens.length && !tokens[end]!.clauseStart && counts(tokens[end])) end++;
    else break;
  }
  return { start, end };
}

/** The most words strongestWords shows. */
const MAX_SHOWN = 5;

export function argmax<L extends string>(labels: readonly L[], z: readonly number[]): L {
  let best = 0;
  for (let j = 1; j < z.length; j++) if (z[j]! > z[best]!) best = j;
  return labels[best]!;
}

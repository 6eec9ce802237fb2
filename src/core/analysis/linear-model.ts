/**
 * A small multinomial logistic model over named features. It sits on top of the lexicon
 * readings and learns how far to trust each of them; its weights are trained by
 * `npm run train` on evals/tuning only and shipped as reviewable JSON in prompts/models/.
 */
export interface LinearModel<L extends string = string> {
  labels: readonly L[];
  /** Feature groups this model was trained with (see features.ts). */
  groups: readonly string[];
  /** feature name -> one weight per label. "bias" is always present. */
  weights: Readonly<Record<string, readonly number[]>>;
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

export function predict<L extends string>(model: LinearModel<L>, features: Features): { label: L; p: number } {
  const p = probabilities(logits(model, features));
  let best = 0;
  for (let j = 1; j < p.length; j++) if (p[j]! > p[best]!) best = j;
  return { label: model.labels[best]!, p: p[best]! };
}

/**
 * A model laid out for reading one turn without building feature names: word weights are
 * looked up by the word itself and pairs of words through a nested map, so scoring a long
 * message allocates nothing per word. Gives exactly the logits of `logits`.
 */
export interface CompiledModel<L extends string = string> {
  labels: readonly L[];
  usesWords: boolean;
  named: ReadonlyMap<string, readonly number[]>;
  words: ReadonlyMap<string, readonly number[]>;
  pairs: ReadonlyMap<string, ReadonlyMap<string, readonly number[]>>;
}

/** Word features are named "w:<word>"; pairs "b:<first>_<second>" (see features.ts). */
export function compileModel<L extends string>(m: LinearModel<L>): CompiledModel<L> {
  const named = new Map<string, readonly number[]>();
  const words = new Map<string, readonly number[]>();
  const pairs = new Map<string, Map<string, readonly number[]>>();
  for (const [name, w] of Object.entries(m.weights)) {
    if (name.startsWith('w:')) words.set(name.slice(2), w);
    else if (name.startsWith('b:')) {
      // Words never hold "_" (tokens are letters, digits and a few inner marks), so the first
      // "_" splits the pair.
      const cut = name.indexOf('_');
      const first = name.slice(2, cut);
      let inner = pairs.get(first);
      if (!inner) pairs.set(first, (inner = new Map()));
      inner.set(name.slice(cut + 1), w);
    } else named.set(name, w);
  }
  return { labels: m.labels, usesWords: m.groups.includes('words'), named, words, pairs };
}

export function compiledLogits<L extends string>(m: CompiledModel<L>, named: Features, words: readonly string[], wordWeight: number): number[] {
  const n = m.labels.length;
  const z = new Array<number>(n).fill(0);
  const addTo = (w: readonly number[] | undefined, v: number) => {
    if (w) for (let j = 0; j < n; j++) z[j]! += w[j]! * v;
  };
  for (const [name, v] of named) addTo(m.named.get(name), v);
  if (m.usesWords) {
    for (let i = 0; i < words.length; i++) {
      addTo(m.words.get(words[i]!), wordWeight);
      if (i + 1 < words.length) addTo(m.pairs.get(words[i]!)?.get(words[i + 1]!), wordWeight);
    }
  }
  return z;
}

export function argmax<L extends string>(labels: readonly L[], z: readonly number[]): L {
  let best = 0;
  for (let j = 1; j < z.length; j++) if (z[j]! > z[best]!) best = j;
  return labels[best]!;
}

/**
 * Fits one linear model (src/core/analysis/linear-model.ts) to labelled feature maps:
 * softmax for a one-of-N choice, a logistic per label for independent yes/no labels, with an
 * L2 penalty on every weight but the bias.
 *
 * Full-batch Adam with a cosine-decayed step. Plain gradient descent at one step size left
 * the rare features (most words, many flags) far from their optimum after 400 epochs: Adam's
 * per-weight step moves them as fast as the common ones, and the decaying step lets the
 * weights settle instead of circling the optimum. Everything is a fixed sequence of float
 * operations over data in a fixed order, so the same examples give the same weights bit for bit.
 *
 * The feature maps are laid out once as index/value arrays: the epochs then touch no strings
 * and no maps, which took the training of the three models from ~50 s to a few seconds.
 */
import type { Features } from '../core/analysis/linear-model.ts';

export interface FitOptions {
  /** 'gd': the former plain gradient descent at a fixed step, kept to compare against by CV. */
  optimiser: 'adam' | 'gd';
  epochs: number;
  /** Adam's initial step, decayed to zero over the epochs (cosine); gd's fixed step. */
  learningRate: number;
  /** L2 penalty on the mean loss. */
  l2: number;
  /** A word feature must occur in this many training examples to be learned at all. */
  minCount: number;
  /** Yes/no labels only: how much a missed label costs against a false one (rare labels need more than 1). */
  positiveWeight: number;
}

export interface Labelled {
  features: Features;
  /** The one label (softmax), or the set of labels present (logistics). */
  target: number | ReadonlySet<number>;
}

/** Words ("w:"), pairs of words ("b:") and clause-opening words ("s:"): see features.ts. */
export const isWordFeature = (name: string) => name.startsWith('w:') || name.startsWith('b:') || name.startsWith('s:');

// Adam's usual moment decays; EPSILON only guards the division for weights that never move.
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** Returns feature name -> one weight per label, for the features seen often enough, in name order. */
export function fitLinear(nLabels: number, data: readonly Labelled[], o: FitOptions): Map<string, Float64Array> {
  const names = learnableFeatures(data, o.minCount);
  const index = new Map(names.map((k, i) => [k, i]));
  const rows = data.map((ex) => {
    const idx: number[] = [];
    const val: number[] = [];
    for (const [k, v] of ex.features) {
      const i = index.get(k);
      if (i === undefined || v === 0) continue;
      idx.push(i);
      val.push(v);
    }
    return { idx: Int32Array.from(idx), val: Float64Array.from(val), target: ex.target };
  });
  const L = nLabels;
  const size = names.length * L;
  const w = new Float64Array(size);
  const g = new Float64Array(size);
  const m = new Float64Array(size);
  const s = new Float64Array(size);
  const z = new Float64Array(L);
  const penalised = new Float64Array(size).fill(o.l2);
  const bias = index.get('bias');
  if (bias !== undefined) penalised.fill(0, bias * L, bias * L + L);
  const n = Math.max(data.length, 1);
  for (let t = 1; t <= o.epochs; t++) {
    g.fill(0);
    for (const r of rows) {
      z.fill(0);
      for (let a = 0; a < r.idx.length; a++) {
        const base = r.idx[a]! * L;
        const v = r.val[a]!;
        for (let j = 0; j < L; j++) z[j]! += w[base + j]! * v;
      }
      residual(z, r.target, o.positiveWeight);
      for (let a = 0; a < r.idx.length; a++) {
        const base = r.idx[a]! * L;
        const v = r.val[a]!;
        for (let j = 0; j < L; j++) g[base + j]! += z[j]! * v;
      }
    }
    if (o.optimiser === 'gd') {
      for (let i = 0; i < size; i++) w[i]! -= o.learningRate * (g[i]! / n + penalised[i]! * w[i]!);
      continue;
    }
    // Adam with bias-corrected moments; the step follows half a cosine from learningRate to 0.
    const step = (o.learningRate * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / o.epochs))) / (1 - BETA1 ** t);
    const c2 = 1 - BETA2 ** t;
    for (let i = 0; i < size; i++) {
      const gi = g[i]! / n + penalised[i]! * w[i]!;
      m[i] = BETA1 * m[i]! + (1 - BETA1) * gi;
      s[i] = BETA2 * s[i]! + (1 - BETA2) * gi * gi;
      w[i]! -= (step * m[i]!) / (Math.sqrt(s[i]! / c2) + EPSILON);
    }
  }
  return new Map(names.map((k, i) => [k, w.slice(i * L, i * L + L)]));
}

/** Every non-word feature, and the words seen in at least minCount examples; sorted by name. */
function learnableFeatures(data: readonly Labelled[], minCount: number): string[] {
  const count = new Map<string, number>();
  for (const ex of data) for (const k of ex.features.keys()) count.set(k, (count.get(k) ?? 0) + 1);
  const names = [...count].filter(([k, c]) => !isWordFeature(k) || c >= minCount).map(([k]) => k);
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Overwrites the logits z with the loss gradient per label: prediction minus target. */
function residual(z: Float64Array, target: number | ReadonlySet<number>, positiveWeight: number): void {
  if (typeof target === 'number') {
    let max = -Infinity;
    for (let j = 0; j < z.length; j++) if (z[j]! > max) max = z[j]!;
    let sum = 0;
    for (let j = 0; j < z.length; j++) sum += z[j] = Math.exp(z[j]! - max);
    for (let j = 0; j < z.length; j++) z[j] = z[j]! / sum - (j === target ? 1 : 0);
  } else {
    for (let j = 0; j < z.length; j++) {
      const p = 1 / (1 + Math.exp(-z[j]!));
      z[j] = target.has(j) ? positiveWeight * (p - 1) : p;
    }
  }
}

/** Classification metrics for the evaluation report. */

export interface ClassReport {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface SingleLabelReport {
  n: number;
  accuracy: number;
  macroF1: number;
  classes: ClassReport[];
  /** confusion[gold][predicted] */
  confusion: Record<string, Record<string, number>>;
  labels: string[];
}

export interface MultiLabelReport {
  n: number;
  microPrecision: number;
  microRecall: number;
  microF1: number;
  classes: ClassReport[];
}

const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function singleLabel(pairs: { gold: string; pred: string }[], order: readonly string[]): SingleLabelReport {
  const labels = order.filter((l) => pairs.some((p) => p.gold === l || p.pred === l));
  const confusion: Record<string, Record<string, number>> = {};
  for (const g of labels) confusion[g] = Object.fromEntries(labels.map((p) => [p, 0]));
  let correct = 0;
  for (const { gold, pred } of pairs) {
    if (gold === pred) correct++;
    if (confusion[gold] && pred in confusion[gold]!) confusion[gold]![pred]!++;
  }
  const classes = labels.map((l) => {
    const tp = pairs.filter((p) => p.gold === l && p.pred === l).length;
    const predicted = pairs.filter((p) => p.pred === l).length;
    const support = pairs.filter((p) => p.gold === l).length;
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    return { label: l, precision, recall, f1: f1(precision, recall), support };
  });
  // Macro-F1 over the classes present in the gold labels: a class nobody labelled is not a class to miss.
  const scored = classes.filter((c) => c.support > 0);
  return {
    n: pairs.length,
    accuracy: ratio(correct, pairs.length),
    macroF1: ratio(scored.reduce((s, c) => s + c.f1, 0), scored.length),
    classes,
    confusion,
    labels,
  };
}

export function multiLabel(pairs: { gold: string[]; pred: string[] }[], order: readonly string[]): MultiLabelReport {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const classes = order.map((l) => {
    let ctp = 0;
    let cfp = 0;
    let cfn = 0;
    for (const { gold, pred } of pairs) {
      const g = gold.includes(l);
      const p = pred.includes(l);
      if (g && p) ctp++;
      else if (p) cfp++;
      else if (g) cfn++;
    }
    tp += ctp;
    fp += cfp;
    fn += cfn;
    const precision = ratio(ctp, ctp + cfp);
    const recall = ratio(ctp, ctp + cfn);
    return { label: l, precision, recall, f1: f1(precision, recall), support: ctp + cfn };
  });
  const microPrecision = ratio(tp, tp + fp);
  const microRecall = ratio(tp, tp + fn);
  return { n: pairs.length, microPrecision, microRecall, microF1: f1(microPrecision, microRecall), classes };
}

import { describe, expect, it } from 'vitest';
import { assignFolds, crossValidate } from '../../src/eval/cross-validate.ts';
import { compileLexicons } from '../../src/core/analysis/lexicon.ts';
import { DEFAULT_TRAIN_OPTIONS } from '../../src/eval/train.ts';
import { testEngine } from '../helpers/engine.ts';
import { fitLinear, type FitOptions, type Labelled } from '../../src/eval/fit.ts';

const lines = (ids: string[]) => ids.map((id) => JSON.stringify({ id, raw: 'x' })).join('\n');

describe('cross-validation folds', () => {
  const files = [
    { name: 'a.jsonl', jsonl: lines(Array.from({ length: 23 }, (_, i) => `a${i}`)) },
    { name: 'b.jsonl', jsonl: lines(Array.from({ length: 7 }, (_, i) => `b${i}`)) },
  ];

  it('deals every file evenly over the folds, the same way every time', () => {
    const folds = assignFolds(files, 5);
    expect(assignFolds(files, 5)).toEqual(folds);
    for (const f of files) {
      const sizes = [0, 0, 0, 0, 0];
      for (const [key, fold] of folds) if (key.startsWith(`${f.name}\u0000`)) sizes[fold]!++;
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('keeps lines that share an id together, and gives another split for another repeat', () => {
    const dup = [{ name: 'c.jsonl', jsonl: lines(['x', 'y', 'x', 'z', 'w', 'v']) }];
    expect(assignFolds(dup, 3).size).toBe(5);
    expect(assignFolds(files, 5, 1)).not.toEqual(assignFolds(files, 5, 0));
  });
});

describe('leave-one-file-out with files trained on only', () => {
  const labelled = (prefix: string, texts: [string, string][]) =>
    texts.map(([text, emotion], i) => JSON.stringify({ id: `${prefix}${i}`, turns: [{ role: 'customer', text }], labels: { emotion, stage: 'venting' } })).join('\n');
  const texts: [string, string][] = [
    ['This is ridiculous, nobody helps me!', 'angry'],
    ['Thanks, that sorted it.', 'calm'],
    ["I'm worried my flight leaves tomorrow and the passport hasn't come.", 'anxious'],
    ['Why does the bill say estimated? I do not understand.', 'confused'],
  ];
  const files = [
    { name: 'a.jsonl', jsonl: labelled('a', texts) },
    { name: 'b.jsonl', jsonl: labelled('b', texts) },
    { name: 'extra-new.jsonl', jsonl: labelled('n', texts) },
  ];
  const lex = compileLexicons({ ...testEngine().content, models: undefined });
  const o = { ...DEFAULT_TRAIN_OPTIONS, epochs: 5 };

  it('never holds out or scores a file it is told to train on only', () => {
    const all = crossValidate(lex, files, o, 5, 0, { byFile: true });
    expect(all.folds).toHaveLength(3);
    expect(all.pooled.emotion.some((p) => p.id.startsWith('n'))).toBe(true);
    const some = crossValidate(lex, files, o, 5, 0, { byFile: true, trainOnly: /^extra-/ });
    expect(some.folds).toHaveLength(2);
    expect(some.pooled.emotion.map((p) => p.id).sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'b2', 'b3']);
  });

  it("scores the policy's next step against each case's accepted steps", () => {
    const withSteps = (prefix: string) =>
      [
        { id: `${prefix}s0`, turns: [{ role: 'customer', text: 'Thanks, that sorted it, bye.' }], labels: { steps: ['boundary'] } },
        { id: `${prefix}s1`, turns: [{ role: 'customer', text: 'Thanks, that sorted it, bye.' }], labels: { steps: ['listen', 'empathize', 'apologize', 'diagnose', 'resolve', 'confirm', 'close', 'handoff'] } },
      ].map((c) => JSON.stringify(c)).join('\n');
    const r = crossValidate(lex, [...files, { name: 'steps.jsonl', jsonl: withSteps('x') }], o, 5, 0, { byFile: true });
    expect(r.pooled.steps).toEqual([false, true]);
    expect(r.mean.stepInSet).toBe(0.5);
  });
});

describe('fitting a linear model', () => {
  const o: FitOptions = { optimiser: 'adam', epochs: 150, learningRate: 0.1, l2: 0.001, minCount: 2, positiveWeight: 1 };
  const data: Labelled[] = Array.from({ length: 40 }, (_, i) => ({
    features: new Map([
      ['bias', 1],
      [`cue:${i % 3}`, 1],
      [`w:rare${i}`, 0.5],
    ]),
    target: i % 3,
  }));

  it('learns a separable choice, leaves out words seen once, and gives the same weights every run', () => {
    const w = fitLinear(3, data, o);
    expect([...w.keys()]).toEqual(['bias', 'cue:0', 'cue:1', 'cue:2']);
    for (let c = 0; c < 3; c++) {
      const row = w.get(`cue:${c}`)!;
      expect(Math.max(...row)).toBe(row[c]);
    }
    expect(fitLinear(3, data, o)).toEqual(w);
  });

  it('raises the logits of rare yes/no labels when a miss costs more', () => {
    const rare: Labelled[] = data.map((d, i) => ({ features: d.features, target: new Set(i % 10 === 0 ? [0] : []) }));
    const plain = fitLinear(1, rare, o).get('bias')![0]!;
    const weighted = fitLinear(1, rare, { ...o, positiveWeight: 3 }).get('bias')![0]!;
    expect(weighted).toBeGreaterThan(plain);
  });
});

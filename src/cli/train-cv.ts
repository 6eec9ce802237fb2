/**
 * `npm run train:cv`: k-fold cross-validation of the learned layer on evals/tuning/*.jsonl
 * (src/eval/cross-validate.ts), the one way its training options are chosen. It never reads
 * the development, holdout or public sets.
 *
 * Without flags it scores the shipped options (DEFAULT_TRAIN_OPTIONS); `--baseline` starts
 * from the options before cross-validation instead (plain gradient descent; today's
 * features). Any option may be given a comma-separated list: every combination is scored,
 * one row each. `--repeats 3` averages three different splits (how the options were chosen);
 * `--confusion` adds the confusion tables of the first split. `--by-file` holds out one file at
 * a time instead (each file is another writer's cases: the models' figures on phrasing they
 * have never seen); with `--train-only REGEX`, files whose name matches are trained on but
 * never held out, so a run with them and one without score the same other files.
 *
 *   npm run train:cv -- [--k 5] [--repeats 1] [--by-file [--train-only REGEX]] [--baseline] [--confusion]
 *     [--optimiser adam|gd] [--epochs N] [--lr X] [--l2 X] [--l2-emotion X] [--l2-stage X]
 *     [--l2-behaviours X] [--l2-urgency X] [--l2-flags X] [--min-count N] [--positive-weight X]
 *     [--urgency-positive-weight X] [--word-weight X]
 *     [--min-word-effect X] [--emotion-words yes|no] [--stage-words yes|no]
 */
import { compileLexicons } from '../core/analysis/lexicon.ts';
import { loadContent, DEFAULT_PROMPTS_DIR } from '../content/load-content.ts';
import { crossValidate, meanScores } from '../eval/cross-validate.ts';
import { BASELINE_TRAIN_OPTIONS, DEFAULT_TRAIN_OPTIONS, type TrainOptions } from '../eval/train.ts';
import { readTrainingFileList } from '../eval/training-set.ts';
import { singleLabel, type SingleLabelReport } from '../eval/metrics.ts';
import { EMOTIONS, STAGES } from '../core/taxonomy.ts';
import { flag } from './args.ts';

const args = process.argv.slice(2);
const k = Number(flag(args, '--k') ?? 5);
const repeats = Number(flag(args, '--repeats') ?? 1);
const take = (name: string) => args.includes(name) && args.splice(args.indexOf(name), 1).length > 0;
const baseline = take('--baseline');
const confusion = take('--confusion');
const byFile = take('--by-file');
const trainOnlyFlag = flag(args, '--train-only');
if (trainOnlyFlag !== undefined && !byFile) throw new Error('--train-only needs --by-file');
const trainOnly = trainOnlyFlag === undefined ? undefined : new RegExp(trainOnlyFlag);
const base = baseline ? BASELINE_TRAIN_OPTIONS : DEFAULT_TRAIN_OPTIONS;

type Setter = (o: TrainOptions, v: string) => TrainOptions;
const num = (v: string) => {
  const x = Number(v);
  if (!Number.isFinite(x)) throw new Error(`not a number: ${v}`);
  return x;
};
const yes = (v: string) => {
  if (v !== 'yes' && v !== 'no') throw new Error(`expected yes or no, not ${v}`);
  return v === 'yes';
};
const OPTIONS: Record<string, Setter> = {
  '--optimiser': (o, v) => {
    if (v !== 'gd' && v !== 'adam') throw new Error(`--optimiser is adam or gd, not ${v}`);
    return { ...o, optimiser: v };
  },
  '--epochs': (o, v) => ({ ...o, epochs: num(v) }),
  '--lr': (o, v) => ({ ...o, learningRate: num(v) }),
  '--l2': (o, v) => ({ ...o, l2: { emotion: num(v), stage: num(v), behaviours: num(v), urgency: num(v), flags: num(v) } }),
  '--l2-emotion': (o, v) => ({ ...o, l2: { ...o.l2, emotion: num(v) } }),
  '--l2-stage': (o, v) => ({ ...o, l2: { ...o.l2, stage: num(v) } }),
  '--l2-behaviours': (o, v) => ({ ...o, l2: { ...o.l2, behaviours: num(v) } }),
  '--min-count': (o, v) => ({ ...o, minCount: num(v) }),
  '--positive-weight': (o, v) => ({ ...o, positiveWeight: { ...o.positiveWeight, behaviours: num(v) } }),
  '--urgency-positive-weight': (o, v) => ({ ...o, positiveWeight: { ...o.positiveWeight, urgency: num(v) } }),
  '--l2-urgency': (o, v) => ({ ...o, l2: { ...o.l2, urgency: num(v) } }),
  '--l2-flags': (o, v) => ({ ...o, l2: { ...o.l2, flags: num(v) } }),
  '--word-weight': (o, v) => ({ ...o, wordWeight: num(v) }),
  '--min-word-effect': (o, v) => ({ ...o, minWordEffect: num(v) }),
  '--emotion-words': (o, v) => ({ ...o, words: { ...o.words, emotion: yes(v) } }),
  '--stage-words': (o, v) => ({ ...o, words: { ...o.words, stage: yes(v) } }),
};

// Every combination of the listed values, in the order the flags are listed above.
let grid: { o: TrainOptions; label: string[] }[] = [{ o: base, label: [] }];
for (const [name, set] of Object.entries(OPTIONS)) {
  const values = flag(args, name);
  if (values === undefined) continue;
  grid = grid.flatMap((g) => values.split(',').map((v) => ({ o: set(g.o, v), label: [...g.label, `${name.slice(2)}=${v}`] })));
}
if (args.length > 0) throw new Error(`unknown arguments: ${args.join(' ')}`);

const lex = compileLexicons(loadContent(DEFAULT_PROMPTS_DIR, { models: false }));
const files = readTrainingFileList();
const pct = (x: number) => (x * 100).toFixed(1).padStart(5);
process.stdout.write(`${byFile ? 'leave-one-file-out CV' : `${k}-fold CV${repeats > 1 ? ` x ${repeats} splits` : ''}`} on evals/tuning (${baseline ? 'baseline' : 'shipped'} options, then the changes listed)\n`);
process.stdout.write('emotion F1  emotion acc  stage acc  behaviours F1  flags F1  urgent F1  step  options\n');
for (const { o, label } of grid) {
  const started = performance.now();
  const runs = Array.from({ length: repeats }, (_, i) => crossValidate(lex, files, o, k, i, { byFile, trainOnly }));
  const r = runs[0]!;
  const m = meanScores(runs.map((x) => x.mean));
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `${pct(m.emotionMacroF1)}       ${pct(m.emotionAccuracy)}        ${pct(m.stageAccuracy)}      ${pct(m.behavioursMicroF1)}          ${pct(m.flagsMicroF1)}     ${pct(m.urgentF1)}  ${pct(m.stepInSet)}  ${label.join(' ') || '-'}  (${secs} s)\n`,
  );
  if (confusion) {
    process.stdout.write(table('emotion', singleLabel(r.pooled.emotion, EMOTIONS)));
    process.stdout.write(table('stage', singleLabel(r.pooled.stage, STAGES)));
  }
}

/** gold in rows, predicted in columns, with each class's F1. */
function table(what: string, r: SingleLabelReport): string {
  const w = Math.max(...r.labels.map((l) => l.length)) + 1;
  const head = `${`${what}: gold \\ pred`.padEnd(w + 12)}${r.labels.map((l) => l.slice(0, 6).padStart(7)).join('')}     F1\n`;
  const rows = r.labels.map((g) => {
    const f1 = r.classes.find((c) => c.label === g)!.f1;
    return `${g.padEnd(w + 12)}${r.labels.map((p) => String(r.confusion[g]![p]).padStart(7)).join('')}  ${pct(f1)}\n`;
  });
  return head + rows.join('');
}

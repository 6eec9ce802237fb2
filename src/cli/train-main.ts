/**
 * `npm run train`: retrains the learned layer on evals/tuning/*.jsonl with the options
 * chosen by `npm run train:cv` (src/eval/train.ts) and writes prompts/models/. Never point
 * it at the development, holdout or public sets: those are what the scores are reported on.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileLexicons } from '../core/analysis/lexicon.ts';
import { loadContent, DEFAULT_PROMPTS_DIR } from '../content/load-content.ts';
import { readTrainingCases, readTrainingDrafts, readTrainingFiles, TRAINING_SET } from '../eval/training-set.ts';
import { trainModels } from '../eval/train.ts';

const content = loadContent(DEFAULT_PROMPTS_DIR, { models: false });
const lex = compileLexicons(content);
const models = trainModels(lex, readTrainingCases(lex, readTrainingFiles()), readTrainingDrafts(readTrainingFiles()), TRAINING_SET.name);
const dir = join(DEFAULT_PROMPTS_DIR, 'models');
mkdirSync(dir, { recursive: true });
for (const [name, model] of Object.entries(models)) {
  writeFileSync(join(dir, `${name}.json`), serialize(model));
  process.stdout.write(`prompts/models/${name}.json: ${Object.keys(model.weights).length} features, ${model.trainedOn}\n`);
}

/** One feature per line: a reviewer can read and diff the weights. */
function serialize(model: { weights: Record<string, number[]> }): string {
  const { weights, ...head } = model;
  const lines = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const w = Object.entries(weights).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${lines.join(',\n')},\n  "weights": {\n${w.join(',\n')}\n  }\n}\n`;
}

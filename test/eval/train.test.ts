import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileLexicons } from '../../src/core/analysis/lexicon.ts';
import { compiledLogits, compileModel, logits } from '../../src/core/analysis/linear-model.ts';
import { replyFeatures, replyFeaturesNamed, turnFeatures, WORD_WEIGHT, readingFeatures } from '../../src/core/analysis/features.ts';
import { readBehaviours } from '../../src/core/review/detect-behaviours.ts';
import { tokenize } from '../../src/core/text/tokens.ts';
import { readTurn } from '../../src/core/analysis/read-turn.ts';
import { readEmotion } from '../../src/core/analysis/emotion.ts';
import { DEFAULT_PROMPTS_DIR, loadContent } from '../../src/content/load-content.ts';
import { readTrainingCases, readTrainingDrafts, readTrainingFiles, TRAINING_SET } from '../../src/eval/training-set.ts';
import { trainModels } from '../../src/eval/train.ts';

describe('the learned layer', () => {
  it('ships exactly what `npm run train` makes from the tuning set, and nothing else', () => {
    const lex = compileLexicons(loadContent(DEFAULT_PROMPTS_DIR, { models: false }));
    const fresh = trainModels(lex, readTrainingCases(lex, readTrainingFiles()), readTrainingDrafts(readTrainingFiles()), TRAINING_SET.name);
    for (const name of ['emotion', 'stage', 'behaviours', 'urgency', 'flags'] as const) {
      const shipped = JSON.parse(readFileSync(new URL(`../../prompts/models/${name}.json`, import.meta.url), 'utf8'));
      // Retrain (npm run train) after changing a lexicon: the models weigh the lexicons' readings.
      expect(shipped, `prompts/models/${name}.json is stale: run npm run train`).toEqual(JSON.parse(JSON.stringify(fresh[name])));
      expect(shipped.trainedOn).toMatch(/^evals\/tuning\/\*\.jsonl/);
    }
    // Training takes a few seconds (src/eval/fit.ts); ten times that is a regression, not a slow machine.
  }, 30_000);

  it('scores a turn the same way whether features are named or compiled', () => {
    const content = loadContent();
    const lex = compileLexicons(content);
    const r = readTurn(lex, "This is the THIRD time I've called about the refund, I want it sorted today or I'm leaving.", 0);
    const e = readEmotion(r);
    const ctx = { agentSteps: ['diagnose' as const], customerTurnIndex: 1, ruleEmotion: e.emotion, ruleStage: 'seeking' as const };
    for (const model of [content.models!.emotion, content.models!.stage]) {
      const byName = logits(model, turnFeatures(r, e, ctx, model.groups));
      const compiled = compiledLogits(compileModel(model), readingFeatures(r, e, ctx), tokenize(r.text), WORD_WEIGHT);
      expect(compiled.length).toBe(6);
      compiled.forEach((z, j) => expect(z).toBeCloseTo(byName[j]!, 9));
    }
    const draft = "Calm down. I've refunded the fee and it'll show in 3 days; does that work for you?";
    const b = readBehaviours(lex, draft);
    const present = new Set<string>(b.findings.map((f) => f.id));
    const model = content.models!.behaviours;
    const byName = logits(model, replyFeaturesNamed(b.scores, present, b.questions, draft));
    const compiled = compiledLogits(compileModel(model), replyFeatures(b.scores, present, b.questions), tokenize(draft), WORD_WEIGHT);
    expect(compiled).toHaveLength(16);
    compiled.forEach((z, j) => expect(z).toBeCloseTo(byName[j]!, 9));
    // The flag model reads the words alone: training's features are the bias and the words.
    const flags = content.models!.flags;
    const flagsByName = logits(flags, turnFeatures(r, e, ctx, ['words']));
    const flagsCompiled = compiledLogits(compileModel(flags), new Map([['bias', 1]]), tokenize(r.text), WORD_WEIGHT);
    expect(flagsCompiled).toHaveLength(7);
    flagsCompiled.forEach((z, j) => expect(z).toBeCloseTo(flagsByName[j]!, 9));
  });
});

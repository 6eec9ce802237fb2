import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/core/analysis/linear-model.ts';
import { decideBehaviours } from '../../src/core/review/learned-behaviours.ts';
import { BEHAVIOURS } from '../../src/core/taxonomy.ts';
import { testEngine } from '../helpers/engine.ts';

const behaviours = (draft: string) => testEngine().offline.reviewDraft(draft).behaviours;

describe('draft review in new turns of phrase', () => {
  it('finds a validation, a timeline in words and a rule quoted at the customer', () => {
    const found: [string, string][] = [
      ["You've every right to be annoyed about this.", 'acknowledge'],
      ['The refund takes three to five working days to show on your statement.', 'expect'],
      ["No, you agreed to the terms when you signed up. It's in section 4, and we can't change it.", 'policy_wall'],
      ["I'd be fuming too if this happened to me.", 'acknowledge'],
      ["I'll make sure this is fixed for good today.", 'overpromise'],
      ["Refunds can only be issued to the original payment method, so there's nothing more I can do.", 'policy_wall'],
      ["Sorry again for the wait; the technician's slot is confirmed for 2pm tomorrow.", 'expect'],
      ["I'll end the call if the shouting continues.", 'boundary'],
      ["I'd be just as annoyed in your shoes.", 'acknowledge'],
      ["Let's not make a big thing of it.", 'dismiss'],
      ['Our system was updated recently and there have been a few glitches.', 'excuse'],
      ["The system was down yesterday; I've now pushed the refund through manually.", 'offer'],
      ['Funny how everyone else manages to read the email.', 'sarcasm'],
      ["It's a few pence, I wouldn't lose sleep over it.", 'dismiss'],
      ['Does that sort things out for you, or is there still something missing?', 'check'],
      ["Sounds like someone didn't read the instructions properly.", 'blame'],
    ];
    for (const [draft, behaviour] of found) expect(behaviours(draft), draft).toContain(behaviour);
  });

  it('reads "nothing else I can offer" as a rule with no alternative, not as an offer', () => {
    const b = behaviours("Unfortunately that's the rule and there's nothing else I can offer.");
    expect(b).toContain('policy_wall');
    expect(b).not.toContain('offer');
  });

  it('keeps a plain question about the terms clear of the policy wall, and an apology clear of a timeline', () => {
    expect(behaviours('Did you agree to the new terms by email or in the app?')).not.toContain('policy_wall');
    expect(behaviours("I'm sorry, that's not the service you should get from us.")).not.toContain('expect');
  });
});

describe('the words a review points at', () => {
  const review = (draft: string) => testEngine().offline.reviewDraft(draft);

  // A model made for the test, so the check does not hang on what a retrain weighs: it is sure
  // of `dismiss` from the word "kerfuffle" alone, or from "the" alone, and of nothing else.
  const modelFor = (word: string) =>
    compileModel({
      labels: BEHAVIOURS,
      groups: ['words'],
      weights: { bias: BEHAVIOURS.map(() => -20), [`w:${word}`]: BEHAVIOURS.map((b) => (b === 'dismiss' ? 80 : 0)) },
      multiLabel: true,
    });

  it('shows the words that weighed most for a behaviour the model found without a lexicon cue', () => {
    const lex = testEngine().offline.lexicons;
    const draft = 'Bit of a kerfuffle, this one.';
    const found = decideBehaviours(modelFor('kerfuffle'), lex, draft);
    expect(found.map((f) => f.id)).toEqual(['dismiss']);
    expect(found[0]!.spans).toEqual([{ text: 'kerfuffle', start: draft.indexOf('kerfuffle'), end: draft.indexOf('kerfuffle') + 9 }]);
    // Words that alone say nothing are no reason: no span rather than "the".
    const bare = decideBehaviours(modelFor('the'), lex, 'Read the email.');
    expect(bare.map((f) => f.id)).toEqual(['dismiss']);
    expect(bare[0]!.spans).toEqual([]);
  });

  it('shows overlapping cue matches once, joined', () => {
    const draft = "It's only a few days late, hardly the end of the world.";
    const spans = review(draft).findings.find((f) => f.id === 'dismiss')!.spans;
    expect(spans.map((s) => s.text)).toEqual(["It's only a few", 'hardly the end of the world']);
    const offer = review("I've rebooked you on the 18:40 to Leeds.").findings.find((f) => f.id === 'offer')!.spans;
    expect(offer.map((s) => s.text)).toEqual(["I've rebooked"]);
  });
});

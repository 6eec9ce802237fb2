import { describe, expect, it } from 'vitest';
import { analyseCase } from '../../src/core/analysis/analyse-case.ts';
import { LEARNED_FLAGS } from '../../src/core/analysis/learned.ts';
import type { Lexicons } from '../../src/core/analysis/lexicon.ts';
import { compileModel, strongestWords, type LinearModel } from '../../src/core/analysis/linear-model.ts';
import { escalationReasons } from '../../src/core/escalation/rules.ts';
import { safetyRisk } from '../../src/core/policy/safety.ts';
import { tokenize } from '../../src/core/text/tokens.ts';
import { testEngine } from '../helpers/engine.ts';

/**
 * A hand-made flag model, so these tests say what the engine does with the model's calls
 * whatever the shipped weights are: "umpteenth" and "no way forward" carry their flags, the
 * bias keeps every other text below even odds, and "badminton" and "kidding" make a legal
 * threat and a safety risk all but impossible.
 */
function handModel(): LinearModel<(typeof LEARNED_FLAGS)[number]> {
  const row = (flag: string, w: number) => LEARNED_FLAGS.map((f) => (f === flag ? w : 0));
  return {
    labels: [...LEARNED_FLAGS],
    groups: ['words'],
    trainedOn: 'test',
    multiLabel: true,
    weights: {
      bias: LEARNED_FLAGS.map(() => -1),
      'w:umpteenth': row('repeat_contact', 4),
      'b:no_way': row('safety_risk', 2),
      'w:forward': row('safety_risk', 1),
      'w:cancel': row('threat_churn', 4),
      'w:manager': row('demands_manager', 4),
      'w:useless': row('abusive_language', 4),
      'w:naturally': row('abusive_language', 4),
      'w:badminton': row('threat_legal', -5),
      'w:kidding': row('safety_risk', -5),
      // With the bias, each of these puts its flag at a probability of about 0.35 or 0.5.
      'w:quokka': row('safety_risk', 0.76),
      'w:numbat': row('threat_public', 0.76),
      'w:wombat': row('repeat_contact', 2),
      'w:dingo': row('threat_churn', 0.76),
    },
  } as LinearModel<(typeof LEARNED_FLAGS)[number]>;
}

function withHandModel(): Lexicons {
  const lex = testEngine().lexicons;
  return { ...lex, models: { ...lex.models!, flags: compileModel(handModel()) } };
}

const read = (lex: Lexicons, text: string) => analyseCase(lex, [{ role: 'customer', text }]);

describe('the flag model', () => {
  it('adds a danger from odds of 0.3, an earlier contact only above 0.6', () => {
    const lex = withHandModel();
    expect(read(lex, 'The quokka thing again.').flags).toContain('safety_risk');
    // The other flags keep 0.4: a churn or public threat at 0.35 is not added.
    expect(read(lex, 'The dingo thing again.').flags).not.toContain('threat_churn');
    expect(read(lex, 'The numbat thing again.').flags).not.toContain('threat_public');
    expect(read(lex, 'The wombat thing again.').flags).not.toContain('repeat_contact');
  });

  it('adds a flag the lexicons miss, shown with the words that weighed most', () => {
    const r = read(withHandModel(), 'This is the umpteenth chase on this and still nothing has happened.');
    expect(r.flags).toContain('repeat_contact');
    const cue = r.cues.find((c) => c.signal === 'flag' && c.label === 'repeat_contact');
    expect(cue?.text).toBe('umpteenth');
    expect(r.turns[cue!.turn]!.text.slice(cue!.start, cue!.end)).toBe('umpteenth');
  });

  it('adds nothing below its odds, and leaves a flag the lexicons found with their cue', () => {
    const lex = withHandModel();
    expect(read(lex, 'Where is my parcel? It was meant to come on Tuesday.').flags).toEqual([]);
    const r = read(lex, "I'm going to cancel my account today, I've had enough.");
    expect(r.flags).toContain('threat_churn');
    const cues = r.cues.filter((c) => c.signal === 'flag' && c.label === 'threat_churn');
    expect(cues.length).toBeGreaterThan(0);
    expect(cues.every((c) => c.text !== 'cancel')).toBe(true);
  });

  it('adds no flag whose only words are bare ("You are"), and adds it when another word weighs', () => {
    const hand = handModel();
    const row = (w: number) => LEARNED_FLAGS.map((f) => (f === 'abusive_language' ? w : 0));
    const leaning = { ...hand, weights: { ...hand.weights, 'w:you': row(4), 'w:are': row(1) } } as typeof hand;
    const lex = testEngine().lexicons;
    const withLeaning = { ...lex, models: { ...lex.models!, flags: compileModel(leaning) } };
    // The model is sure of abuse here, but only because of "you" and "are".
    expect(read(withLeaning, 'You are not getting what I am saying.').flags).not.toContain('abusive_language');
    // "naturally" weighs too, so the model has a word of the customer's to show.
    const r = read(withLeaning, 'You are naturally going to ignore this.');
    expect(r.flags).toContain('abusive_language');
    expect(r.cues.find((c) => c.signal === 'flag' && c.label === 'abusive_language')?.text).toMatch(/naturally/);
  });

  it('meets a safety risk it alone read with care, unless the customer is hostile', () => {
    const lex = withHandModel();
    const despair = read(lex, "I'm so tired of all of it, I just see no way forward now.");
    expect(despair.flags).toContain('safety_risk');
    expect(safetyRisk(despair)).toBe('self_harm');
    const hostile = read(lex, "You useless idiot, there is no way forward with you people.");
    expect(hostile.emotion).toBe('hostile');
    expect(hostile.flags).toContain('safety_risk');
    expect(safetyRisk(hostile)).toBe('threat');
  });

  it('drops a flag a cue found when the words make it unlikely, cue and all, but never a safety risk', () => {
    const lex = withHandModel();
    expect(read(lex, "I'll take you to court over this.").flags).toContain('threat_legal');
    const game = read(lex, "I'll take you to court at badminton on Saturday, bring your racket.");
    expect(game.flags).not.toContain('threat_legal');
    expect(game.cues.some((c) => c.label === 'threat_legal')).toBe(false);
    expect(escalationReasons(game)).toEqual([]);
    expect(escalationReasons(read(lex, "I'll take you to court over this.")).length).toBeGreaterThan(0);
    const despair = read(lex, 'Honestly I want to end it all, no kidding.');
    expect(despair.flags).toContain('safety_risk');
    expect(despair.cues.some((c) => c.signal === 'flag' && c.label === 'safety_risk')).toBe(true);
  });

  it("in a long turn, keeps a cue's flag that its own sentence makes likely, whatever the words elsewhere say", () => {
    const lex = withHandModel();
    // About seventy words of the case's story, one of them weighing against a legal threat.
    const story =
      'We joined the club in April for the badminton sessions and paid the full year up front. The booking page stopped working in June, ' +
      'the hall was double booked every Saturday since, and the refund for the sessions we lost was promised twice by your staff. ' +
      'My husband has kept every receipt, every email and every booking reference in a folder on the kitchen table for weeks now.';
    expect(tokenize(story).length).toBeGreaterThanOrEqual(60);
    expect(read(lex, `${story} I'll take you to court over this.`).flags).toContain('threat_legal');
    // The same doubt as in a short turn when the cue's own sentence weighs against it.
    expect(read(lex, `${story} I'll take you to court at badminton next.`).flags).not.toContain('threat_legal');
    // A short turn is still read as a whole.
    expect(read(lex, "We play badminton on Saturdays. I'll take you to court over this.").flags).not.toContain('threat_legal');
  });

  it("never adds back a flag the lexicons ruled out: a `not` entry, a waiver, or insults aimed at no one here", () => {
    const lex = withHandModel();
    expect(read(lex, 'I need to speak to my manager before I agree to this.').flags).not.toContain('demands_manager');
    expect(read(lex, 'Can I speak to a manager please?').flags).toContain('demands_manager');
    expect(read(lex, 'Sorry, not you. The bot was useless, you have been great.').flags).not.toContain('abusive_language');
    const sneer = read(lex, 'Does it come naturally to you, or did they train you to be like this?');
    expect(sneer.flags).toContain('abusive_language');
    const waived = read(lex, "I rang last week about my new address and that's done, thanks. Different question today, the umpteenth thing: what is the charge?");
    expect(waived.flags).not.toContain('repeat_contact');
  });

  it('lets a `not` entry rule a flag out only where it stands', () => {
    const lex = withHandModel();
    // "I know I just asked" is no earlier contact; "the umpteenth chase", two sentences on, is one.
    const r = read(lex, 'Sorry, I know I just asked. But this is the umpteenth chase on this order.');
    expect(r.flags).toContain('repeat_contact');
    expect(r.cues.find((c) => c.label === 'repeat_contact')?.text).toBe('umpteenth');
    expect(read(lex, 'Sorry, I know I just asked. Where is the order?').flags).not.toContain('repeat_contact');
  });

  it('finds the strongest word, clause opener or pair for a label', () => {
    const m = compileModel(handModel());
    const tokens = tokenize('honestly there is no way forward');
    const j = LEARNED_FLAGS.indexOf('safety_risk');
    // The pair "no way" weighs most; "forward" beside it counts for the label too.
    expect(strongestWords(m, tokens, j)).toEqual({ start: 3, end: 6 });
    expect(strongestWords(m, tokenize('no way. forward'), j)).toEqual({ start: 0, end: 2 });
    expect(strongestWords(m, tokens, LEARNED_FLAGS.indexOf('threat_legal'))).toBeUndefined();
  });
});

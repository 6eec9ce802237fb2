import { describe, expect, it } from 'vitest';
import { tailorAdvice } from '../../src/core/llm/tailor.ts';
import { wordingProblem } from '../../src/core/llm/guardrails.ts';
import { nextStep } from '../../src/core/policy/next-step.ts';
import { testEngine } from '../helpers/engine.ts';

const WORDING = 'I can see the charge on your account and I am sorting the refund for you right now.';

function reading(text: string) {
  const e = testEngine();
  const r = e.offline.read(e.coach.readInput({ text }).turns);
  const context = { shownWordings: new Set<string>() };
  return { e, r, context, offlineAdvice: e.offline.adviceFrom(r, context) };
}

describe('merging the model reading (tailorAdvice)', () => {
  it("takes the model's step when the policy, on the model's reading, agrees with it", () => {
    const { e, r, context, offlineAdvice } = reading('UGH. The app charged me twice AGAIN. Unbelievable.');
    const policy = nextStep({ ...r, emotion: 'calm', stage: 'seeking' }).step;
    expect(policy).not.toBe(offlineAdvice.step);
    const t = tailorAdvice(e.offline, r, context, offlineAdvice, { emotion: 'calm', stage: 'seeking', flags: [], step: policy, wordings: [WORDING] });
    expect(t.advice.source).toBe('llm');
    expect(t.advice.step).toBe(policy);
    expect(t.advice.emotion).toBe('calm');
    expect(t.advice.say[0]!.text).toBe(WORDING);
  });

  it('keeps the offline advice when the model picks a step its own reading does not support', () => {
    const { e, r, context, offlineAdvice } = reading('UGH. The app charged me twice AGAIN. Unbelievable.');
    const odd = nextStep({ ...r, emotion: 'angry', stage: 'venting' }).step === 'close' ? 'listen' : 'close';
    const t = tailorAdvice(e.offline, r, context, offlineAdvice, { emotion: 'angry', stage: 'venting', flags: [], step: odd, wordings: [WORDING] });
    expect(t.advice).toEqual(offlineAdvice);
  });

  it('lets the model add only flags that change nothing for supervisors', () => {
    const { e, r, context, offlineAdvice } = reading('Where is my parcel? It was due on Monday.');
    const t = tailorAdvice(e.offline, r, context, offlineAdvice, {
      emotion: offlineAdvice.emotion,
      stage: offlineAdvice.stage,
      flags: ['repeat_contact', 'threat_legal', 'safety_risk'],
      step: offlineAdvice.step,
      wordings: [WORDING],
    });
    expect(t.advice.flags).toContain('repeat_contact');
    expect(t.advice.flags).not.toContain('threat_legal');
    expect(t.advice.flags).not.toContain('safety_risk');
    expect(t.advice.escalate).toEqual(offlineAdvice.escalate);
  });
});

describe('guardrails on model wordings', () => {
  const review = (d: string) => testEngine().offline.reviewDraft(d);
  it('passes a calm, specific wording', () => {
    expect(wordingProblem(WORDING, review)).toBeUndefined();
  });
  it.each([
    ['ok', 'too_short'],
    ['x'.repeat(400), 'too_long'],
    ['Hi {first_name}, I am looking into it now.', 'placeholder'],
    ['I will email you at jo@example.com with the details shortly.', 'personal_data'],
  ])('rejects %s', (text, problem) => {
    expect(wordingProblem(text, review)).toBe(problem);
  });
  it('rejects blame and sarcasm found by the draft review', () => {
    expect(wordingProblem('If you had read the terms properly you would have known this was coming.', review)).toMatch(/^harmful:/);
    expect(wordingProblem("Oh great, another customer who didn't read the email. Congratulations.", review)).toMatch(/^harmful:/);
  });
});

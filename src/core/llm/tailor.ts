/**
 * Merges the model's reading into the offline advice. The offline reading keeps the last word
 * on what must not depend on a model: flags that escalate, safety and abuse, and escalations.
 * The step goes through the same policy with the model's emotion and stage; the model's step is
 * taken only when that policy agrees with it. Its wordings pass the guardrails or are dropped.
 */
import type { Advice } from '../advice.ts';
import type { CaseReading } from '../analysis/analyse-case.ts';
import type { OfflineAnalyser } from '../offline-analyser.ts';
import { nextStep } from '../policy/next-step.ts';
import type { AnalyseContext } from '../ports/analyser.ts';
import type { Flag } from '../taxonomy.ts';
import { wordingProblem, type WordingProblem } from './guardrails.ts';
import type { LlmReading } from './llm-reading.ts';

/**
 * Flags a model may add. The others change the step or call a supervisor, so they come from
 * the offline rules alone (a model that misses a threat must not hide it, and one that imagines
 * a threat must not page anyone).
 */
const MODEL_MAY_ADD: ReadonlySet<Flag> = new Set(['repeat_contact', 'urgent', 'threat_churn']);

export interface Tailored {
  advice: Advice;
  /** Wordings the guardrails dropped, with why (no text: it may quote the case). */
  rejected: WordingProblem[];
}

/** `offlineAdvice` is offline.adviceFrom(r, context): already built by the caller, before the model was asked. */
export function tailorAdvice(offline: OfflineAnalyser, r: CaseReading, context: AnalyseContext, offlineAdvice: Advice, model: LlmReading): Tailored {
  const flags = [...r.flags, ...model.flags.filter((f) => MODEL_MAY_ADD.has(f) && !r.flags.includes(f))];
  const reading: CaseReading = { ...r, emotion: model.emotion, stage: model.stage, flags };
  const offlineStep = nextStep(r);
  const policyStep = nextStep(reading);
  // Which reading the advice rests on. "both": the model and the rules agree on the step.
  let source: Advice['source'];
  let base: CaseReading;
  let decision = offlineStep;
  if (model.step === offlineStep.step) {
    source = 'both';
    base = reading;
  } else if (model.step === policyStep.step) {
    source = 'llm';
    base = reading;
    decision = policyStep;
  } else {
    // The model chose a step the policy would not take even on its own reading.
    source = 'offline';
    base = r;
  }
  if (source === 'offline') return { advice: offlineAdvice, rejected: [] };
  const advice = offline.adviceFrom(base, context, decision);

  const review = (draft: string) => offline.reviewDraft(draft);
  const rejected: WordingProblem[] = [];
  const fresh: Advice['say'] = [];
  model.wordings.forEach((text, i) => {
    const problem = wordingProblem(text, review);
    if (problem) rejected.push(problem);
    else fresh.push({ id: `llm.${decision.step}.${i + 1}`, text: text.trim() });
  });
  // Model wordings first, then curated ones, as many as the card had (or the model wrote).
  const say = [...fresh, ...advice.say].slice(0, Math.max(advice.say.length, fresh.length));
  // Escalation stays the offline reading's: a model's emotion must not page a supervisor
  // (rising anger is read from the emotion), nor its silence keep one from being paged.
  return { advice: { ...advice, say, source, escalate: offlineAdvice.escalate }, rejected };
}

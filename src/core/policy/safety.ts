/**
 * Whom a safety risk is to, which decides how it is met: a threat to someone else with a
 * boundary, despair with care, a danger where the customer is (gas, fire, no medicine) with the
 * people who can act now. The lexicon says which kind each cue is (prompts/lexicons/flags.yaml).
 */
import type { CaseReading } from '../analysis/analyse-case.ts';
import type { Situation } from '../content/schema.ts';

export type SafetyRisk = 'threat' | Situation;

export function safetyRisk(r: CaseReading): SafetyRisk | undefined {
  if (!r.flags.includes('safety_risk')) return undefined;
  const cues = r.moment.flatMap((t) => t.flags.get('safety_risk') ?? []);
  // A reading without cues of its own (a model's) falls back on the emotion: hostile is a threat.
  if (cues.length === 0) return r.emotion === 'hostile' ? 'threat' : 'self_harm';
  const riskToSelf = r.moment.flatMap((t) => t.riskToSelf);
  if (riskToSelf.length === 0) return 'threat';
  // Words of despair outweigh a danger named beside them: the person comes first.
  return r.moment.flatMap((t) => t.danger).length === riskToSelf.length ? 'danger' : 'self_harm';
}

/** The situation the case's wordings are chosen for, if it is one that has its own. */
export function situationOf(r: CaseReading): Situation | undefined {
  const risk = safetyRisk(r);
  return risk === 'threat' ? undefined : risk;
}

/**
 * The next-step policy: one playbook step from the stage, the emotion, the flags and the
 * steps the agent has already taken. The order of the rules is the playbook's order of
 * priorities (docs/playbook.md):
 *   safety and abuse first; a demand for a manager is honoured; the conversation's end is
 *   confirmed before it is closed; no solutions while the customer vents; empathy before
 *   apology before questions before remedies.
 */
import type { CaseReading } from '../analysis/analyse-case.ts';
import type { Flag, Step } from '../taxonomy.ts';
import { safetyRisk } from './safety.ts';

/** Threats a customer makes to get something done (taxonomy §2). */
const THREATS: readonly Flag[] = ['threat_churn', 'threat_legal', 'threat_public'];

export interface StepDecision {
  step: Step;
  /** Which rule chose it, as the first sentence of the advice's `why`. */
  reason: string;
}

export function nextStep(r: CaseReading): StepDecision {
  const taken = new Set(r.stepsTaken);
  const flags = new Set(r.flags);

  const risk = safetyRisk(r);
  if (risk === 'danger') {
    // Gas, fire, an unsafe car or medicine running out: the first thing they need is what keeps
    // them safe and the fastest fix set in motion; sympathy alone wastes minutes. On the tuning
    // cases where this rule fired, writers accepted a remedy next for 86 of 99 dangers, bringing
    // in others for 57 and empathy for 70. The supervisor is told either way (escalation rules).
    // Once a remedy is under way, whoever can act faster is brought in.
    return taken.has('resolve')
      ? { step: 'handoff', reason: 'The customer is still in danger after the fix you arranged; bring in the people who can act now.' }
      : { step: 'resolve', reason: 'The customer describes a danger where they are; tell them how to stay safe and set the fastest fix in motion now.' };
  }
  if (risk) {
    if (risk === 'self_harm') {
      // Someone in despair needs to feel heard first, then to reach a person trained to help.
      return taken.has('empathize') || taken.has('handoff')
        ? { step: 'handoff', reason: 'The customer said something that suggests they may harm themselves; bring in someone who can help now.' }
        : { step: 'empathize', reason: 'The customer said something that suggests they may harm themselves; respond to the person first, gently.' };
    }
    return taken.has('boundary')
      ? { step: 'handoff', reason: 'The customer threatened someone after you set a limit; hand over and involve your supervisor.' }
      : { step: 'boundary', reason: 'The customer made a threat; name the limit calmly and do not engage with it.' };
  }
  if (flags.has('abusive_language')) {
    return taken.has('boundary')
      ? { step: 'handoff', reason: 'The abuse continued after you set a boundary; it is time to hand over, as the policy says.' }
      : { step: 'boundary', reason: 'The customer is insulting you; calmly name the language and what happens if it goes on.' };
  }
  // Hostile means abusive or menacing towards the agent (docs/taxonomy.md §1), so it is met as
  // abuse is, also when no abuse cue named it: the reading weighs more than the cue list holds.
  if (r.emotion === 'hostile') {
    return taken.has('boundary')
      ? { step: 'handoff', reason: 'The hostility went on after you set a boundary; it is time to hand over.' }
      : { step: 'boundary', reason: 'The customer is hostile towards you; calmly say what you will not accept and what happens if it goes on.' };
  }
  if (flags.has('demands_manager') && !taken.has('handoff')) {
    return { step: 'handoff', reason: 'The customer asked for a supervisor; say honestly what you will do about it.' };
  }
  switch (r.stage) {
    case 'closing':
      return { step: 'close', reason: 'The customer is wrapping up.' };
    case 'accepting':
      return r.lastAgentSteps.includes('confirm')
        ? { step: 'close', reason: 'The customer agreed and you already checked it works for them.' }
        : { step: 'confirm', reason: 'The customer agreed to your proposal; make sure it really solves it for them.' };
    case 'negotiating':
      return { step: 'resolve', reason: 'The customer objected to the proposal; adjust it or concede what you can.' };
    case 'venting':
      if (!taken.has('empathize')) return { step: 'empathize', reason: 'The customer is still venting and has not yet heard that their feeling is understood.' };
      if (!taken.has('apologize')) return { step: 'apologize', reason: 'You acknowledged the feeling; an apology comes next, before any solution.' };
      return { step: 'listen', reason: 'The customer is still venting; let them finish before offering anything.' };
    default:
      break;
  }
  // Explaining or seeking: the customer engages with the problem.
  if (r.emotion === 'angry' && !taken.has('apologize') && !taken.has('empathize')) {
    // An angry customer who threatens to leave, sue or go public while asking for a fix is
    // weighing what will be done: on the tuning cases where this rule fired, writers accepted a
    // remedy next for 371 of 390 such turns and an apology for 273, against 94 and 104 of 116
    // turns without a threat. The first of the remedy's wordings for anger opens with regret.
    if (THREATS.some((f) => flags.has(f))) {
      return { step: 'resolve', reason: 'The customer is angry and has put a threat on the table; what they are weighing now is what you will do about it.' };
    }
    return { step: 'apologize', reason: 'The customer is angry and nobody has apologised yet; do that before the remedy.' };
  }
  // A confused customer asking a direct question needs the answer; one describing what they
  // see needs questions first.
  if (r.emotion === 'confused' && !taken.has('diagnose') && r.stage !== 'seeking') {
    return { step: 'diagnose', reason: 'The customer is unsure what happened; find out exactly what they see and need.' };
  }
  return {
    step: 'resolve',
    reason: r.stage === 'seeking' ? 'The customer is asking what will be done.' : 'The customer has given the facts; move to a concrete remedy.',
  };
}

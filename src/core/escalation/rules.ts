/**
 * When a supervisor should hear about a case. Pings must matter: a merely frustrated
 * customer never triggers one, and each reason names what the supervisor acts on.
 */
import type { CaseReading } from '../analysis/analyse-case.ts';
import { emotionRank } from '../taxonomy.ts';
import { z } from 'zod';

export const ESCALATION_REASONS = [
  'abuse_after_boundary',
  'threat_legal',
  'safety_risk',
  'demands_manager',
  'rising_anger',
  'agent_request',
] as const;
export const EscalationReasonSchema = z.enum(ESCALATION_REASONS);
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

export const REASON_TEXT: Record<EscalationReason, string> = {
  abuse_after_boundary: 'Abuse continued after the agent set a boundary',
  threat_legal: 'The customer threatened legal or regulatory action',
  safety_risk: 'The customer said something that suggests a risk to safety',
  demands_manager: 'The customer asked for a supervisor',
  rising_anger: 'Anger has kept rising over several turns',
  agent_request: 'The agent asked for a supervisor',
};

/** Anger must rise over at least this many customer turns to count as a trend, not a spike. */
const RISING_TURNS = 3;

export function escalationReasons(r: CaseReading): EscalationReason[] {
  const reasons: EscalationReason[] = [];
  const latest = r.customer[r.customer.length - 1]!;
  if (r.flags.includes('abusive_language') && r.stepsTaken.includes('boundary')) {
    // The boundary must have come before this turn for the abuse to "continue after" it.
    const boundaryTurn = r.agent.find((a) => a.steps.includes('boundary'))?.turn ?? Infinity;
    if (boundaryTurn < latest.turn) reasons.push('abuse_after_boundary');
  }
  if (r.flags.includes('threat_legal')) reasons.push('threat_legal');
  if (r.flags.includes('safety_risk')) reasons.push('safety_risk');
  if (r.flags.includes('demands_manager')) reasons.push('demands_manager');
  const h = r.trend.history;
  if (h.length >= RISING_TURNS && emotionRank(r.emotion) >= emotionRank('angry')) {
    const tail = h.slice(-RISING_TURNS);
    const rising = tail.every((p, i) => i === 0 || p.intensity > tail[i - 1]!.intensity);
    if (rising) reasons.push('rising_anger');
  }
  return reasons;
}

/**
 * What a supervisor reads in a ping: enough to act without opening the case, and no more
 * customer text than the cues that drove the reading (already redacted).
 */
import type { Advice } from '../advice.ts';

/** A ping is read on a phone between two calls: three cues at most. */
const MAX_CUES = 3;

export function escalationSummary(a: Advice): string {
  const reasons = a.escalate.reasons.map((r) => r.text).join('; ');
  const cues = [...new Set(a.cues.filter((c) => c.signal === 'flag' || c.signal === 'emotion').map((c) => `"${c.text}"`))].slice(0, MAX_CUES);
  // The trajectory over the case's customer turns: what a supervisor reads to judge urgency.
  const path = a.trend.history.slice(-5).map((h) => h.emotion).join(' → ');
  const trend = a.trend.direction ? ` (${a.trend.direction})` : '';
  const tried = a.stepsTaken.length > 0 ? `Agent has tried: ${a.stepsTaken.join(', ')}.` : 'Agent has not tried a playbook step yet.';
  return [
    `${reasons}.`,
    `Customer: ${path}${trend}, intensity ${a.intensity.toFixed(2)}, ${a.stage}.`,
    cues.length > 0 ? `Their words: ${cues.join(', ')}.` : '',
    tried,
    `Coach's next step for the agent: ${a.stepTitle}.`,
  ]
    .filter((s) => s !== '')
    .join(' ');
}

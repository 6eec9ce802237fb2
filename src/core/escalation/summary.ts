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
  const trend = a.trend.direction ? `, ${a.trend.direction}` : '';
  return [
    `${reasons}.`,
    `Customer: ${a.emotion} (intensity ${a.intensity.toFixed(2)}${trend}), ${a.stage}.`,
    cues.length > 0 ? `Their words: ${cues.join(', ')}.` : '',
    `Agent's next step: ${a.stepTitle}.`,
  ]
    .filter((s) => s !== '')
    .join(' ');
}

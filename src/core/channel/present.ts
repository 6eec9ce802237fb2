/**
 * Presentation shared by every chat channel: the same intensity meter, one-line summary and
 * cue list on Slack and Teams, so an agent who uses both reads the same answer.
 */
import type { Advice, Cue } from '../advice.ts';

/** What an agent reads when something failed on Defuse's side: short, and never a stack trace. */
export const APOLOGY = "Sorry, something went wrong on my side and I couldn't read that. Please try again in a moment.";

/** Intensity as five dots: readable at a glance, and in a notification preview. */
export function meter(intensity: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, intensity)) * 5);
  return `${'●'.repeat(filled)}${'○'.repeat(5 - filled)}`;
}

export function adviceSummary(a: Advice): string {
  return `${a.emotion} (${a.intensity.toFixed(2)}), ${a.stage}: ${a.stepTitle}`;
}

/** The customer phrases behind the reading, each once; six at most, as an agent skims them. */
export function distinctCues(a: Advice, max = 6): Cue[] {
  const seen = new Set<string>();
  return a.cues.filter((c) => !seen.has(c.text.toLowerCase()) && seen.add(c.text.toLowerCase())).slice(0, max);
}

export function reasonLabel(reason: string): string {
  return reason.replace(/_/g, ' ');
}

export function trendLine(a: Advice): string {
  return a.trend.direction ? `${a.trend.direction} (${a.trend.history.map((h) => h.emotion).join(' → ')})` : '';
}

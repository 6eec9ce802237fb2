/**
 * When to ping a supervisor, the same on every platform. One ping per case: the first
 * escalation posts it; a reason that appears later updates that same ping. The update is
 * announced (a thread reply, which notifies) only when the last announcement is older than the
 * quiet period, so a case that flares up three times in two minutes buzzes a phone once.
 */
import type { EscalationRecord } from '../ports/escalation-store.ts';

/** Ten minutes: long enough to absorb a burst of reasons from one heated exchange. */
export const REPING_QUIET_MS = 10 * 60 * 1000;

export type PingPlan =
  | { kind: 'none' }
  | { kind: 'post' }
  /** `ref` is the existing ping (as recorded in `notified`); `fresh` are the reasons it lacks. */
  | { kind: 'update'; ref: string; fresh: EscalationRecord[]; announce: boolean };

/**
 * `platform` is the prefix of the ping references this channel records in `notified`
 * (e.g. "slack:C123:1700000000.000100"), so each platform finds its own ping.
 */
export function planPing(escalations: readonly EscalationRecord[], platform: string, now: Date, quietMs = REPING_QUIET_MS): PingPlan {
  if (escalations.length === 0) return { kind: 'none' };
  const prefix = `${platform}:`;
  const ref = escalations.flatMap((e) => e.notified).find((n) => n.startsWith(prefix));
  if (ref === undefined) return { kind: 'post' };
  const fresh = escalations.filter((e) => e.acknowledgedBy === undefined && !e.notified.includes(ref));
  if (fresh.length === 0) return { kind: 'none' };
  // Reasons added silently (marked with quietMark) do not restart the quiet period.
  const announced = escalations.filter((e) => e.notified.includes(ref) && !e.notified.includes(quietMark(ref))).map((e) => Date.parse(e.createdAt));
  const last = announced.length > 0 ? Math.max(...announced) : Number.NEGATIVE_INFINITY;
  return { kind: 'update', ref, fresh, announce: !(now.getTime() - last < quietMs) };
}

/** Recorded beside the ping reference for a reason that was added to the ping without a notification. */
export function quietMark(ref: string): string {
  return `quiet:${ref}`;
}

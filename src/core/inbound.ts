/**
 * Handling an inbound platform event once. Slack redelivers an event it thinks went
 * unanswered, and behind a load balancer two replicas may each receive a copy: the first
 * to claim the event id in the shared log handles it, every other copy is dropped.
 */
import type { EventLog } from './ports/event-log.ts';

/** Slack retries for about an hour; a day is safely longer than any redelivery. */
export const EVENT_CLAIM_TTL_MS = 24 * 60 * 60 * 1000;

export async function handleOnce<T>(
  log: EventLog,
  event: { source: string; id: string },
  now: Date,
  handler: () => Promise<T>,
): Promise<{ handled: true; result: T } | { handled: false }> {
  const claimed = await log.claim(event.source, event.id, new Date(now.getTime() + EVENT_CLAIM_TTL_MS).toISOString());
  if (!claimed) return { handled: false };
  return { handled: true, result: await handler() };
}

/**
 * Inbound events already handled (Slack event_id, Teams activity id). Platforms redeliver
 * when an answer is slow; replicas may each receive the same event. Only the first claim wins.
 */
export interface EventLog {
  /** True for the first claim of (source, id); false for every later one until it expires. */
  claim(source: string, id: string, expiresAt: string): Promise<boolean>;
  /** Forgets claims that expired before `now`; returns how many. */
  purge(now: string): Promise<number>;
}

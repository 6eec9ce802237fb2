/** Supervisor escalations: one per case and reason, so a supervisor is pinged once. */
export interface EscalationRecord {
  caseId: string;
  reason: string;
  createdAt: string;
  /** What the supervisor needs to act, as shown in the ping (already redacted). */
  summary: string;
  /** Who was pinged (channel ids, user ids), in order. */
  notified: string[];
  acknowledgedBy?: string;
  acknowledgedAt?: string;
}

export interface EscalationStore {
  /** Records an escalation; false when this case already has one for this reason. */
  open(e: { caseId: string; reason: string; summary: string; at: string }): Promise<boolean>;
  markNotified(caseId: string, reason: string, who: string): Promise<void>;
  /** False when there is no such escalation or it was already acknowledged. */
  acknowledge(caseId: string, reason: string, by: string, at: string): Promise<boolean>;
  forCase(caseId: string): Promise<EscalationRecord[]>;
  unacknowledged(limit: number): Promise<EscalationRecord[]>;
  /** Escalations of cases still open, acknowledged or not, created at or after `since` (ISO), newest first. */
  openSince(since: string, limit: number): Promise<EscalationRecord[]>;
}

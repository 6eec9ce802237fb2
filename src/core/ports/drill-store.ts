/** Drill sessions and scorecards (the drills issue); state is opaque JSON to the store. */
export interface DrillSession {
  id: string;
  userId: string;
  team: string;
  status: 'active' | 'finished' | 'abandoned';
  state: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface Scorecard {
  id: string;
  sessionId: string;
  userId: string;
  team: string;
  card: Record<string, unknown>;
  createdAt: string;
}

export interface DrillStore {
  get(id: string): Promise<DrillSession | undefined>;
  /** The user's active session, if any. */
  active(userId: string): Promise<DrillSession | undefined>;
  /**
   * Creates (expectedVersion 0) or replaces a session; false when someone else wrote it
   * since `expectedVersion` was read.
   */
  save(session: Omit<DrillSession, 'version'>, expectedVersion: number): Promise<boolean>;
  addScorecard(card: Scorecard): Promise<void>;
  /** The user's latest scorecards, newest first. */
  scorecards(userId: string, limit: number): Promise<Scorecard[]>;
  /** A workspace's or tenant's scorecards since a time (ISO), newest first: the leaderboard's input. */
  teamScorecards(team: string, since: string): Promise<Scorecard[]>;
  /** Every workspace's scorecards since a time (ISO), newest first, at most `limit`. */
  scorecardsSince(since: string, limit: number): Promise<Scorecard[]>;
}

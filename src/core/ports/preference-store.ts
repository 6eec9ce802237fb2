/**
 * What each agent chose: `/defuse mute` keeps answers to the essentials; the drill
 * leaderboard shows only those who joined it (scores must not become surveillance).
 */
export interface Preferences {
  muted: boolean;
  leaderboard: boolean;
}

export interface PreferenceStore {
  /** Defaults (not muted) for someone who never chose. */
  get(platform: 'slack' | 'teams', user: string): Promise<Preferences>;
  setMuted(platform: 'slack' | 'teams', user: string, muted: boolean, at: string): Promise<void>;
  setLeaderboard(platform: 'slack' | 'teams', user: string, on: boolean, at: string): Promise<void>;
}

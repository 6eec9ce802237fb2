/** What each agent chose to hear: `/defuse mute` keeps answers to the essentials. */
export interface Preferences {
  muted: boolean;
}

export interface PreferenceStore {
  /** Defaults (not muted) for someone who never chose. */
  get(platform: 'slack' | 'teams', user: string): Promise<Preferences>;
  setMuted(platform: 'slack' | 'teams', user: string, muted: boolean, at: string): Promise<void>;
}

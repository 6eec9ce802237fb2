/**
 * The case store port: what the coach remembers of a case between an agent's messages.
 * Implementations: memory (one process, tests), SQLite (default) and PostgreSQL (replicas),
 * all held to one contract (test/storage/contract.ts).
 */
import type { Turn } from '../case.ts';
import type { Emotion, Flag, Stage, Step } from '../taxonomy.ts';

export interface ChannelRef {
  channel: 'slack' | 'teams' | 'api' | 'cli' | 'console';
  /** Channel-specific address (Slack team/channel/thread, Teams conversation), opaque to the core. */
  address: Record<string, string>;
}

/** What the coach concluded when it read a customer turn. */
export interface TurnAssessment {
  emotion: Emotion;
  intensity: number;
  stage: Stage;
  flags: Flag[];
  step: Step;
}

export interface StoredTurn extends Turn {
  /** 1, 2, 3… in the order the turns were committed to the case. */
  seq: number;
  at: string;
  assessment?: TurnAssessment;
}

export interface CaseRecord {
  id: string;
  turns: StoredTurn[];
  /** Wording ids shown so far, oldest first. */
  shownWordings: string[];
  /** Playbook steps the agent has taken, in order. */
  stepsTaken: Step[];
  open: boolean;
  channel?: ChannelRef;
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  /** Incremented on every write. */
  version: number;
}

export interface CaseAppend {
  /** Turns already redacted (core/privacy/redact.ts): stores never see raw customer text. */
  turns: Turn[];
  /** The assessment of the last turn of this batch, when the coach read one. */
  assessment?: TurnAssessment;
  shownWordings: string[];
  stepsTaken: Step[];
  /** Kept from the first append that gives one. */
  channel?: ChannelRef;
  at: string;
}

/** An agent's verdict on the advice in a case (the 👍/👎 buttons). */
export interface CaseFeedback {
  caseId: string;
  by: string;
  kind: 'helpful' | 'not_helpful';
  at: string;
}

/** One line of an agent's recent cases (the Slack App Home). */
export interface CaseSummary {
  id: string;
  open: boolean;
  updatedAt: string;
  /** The assessment of the case's latest reading, if any. */
  latest?: TurnAssessment;
}

/** What an append committed: the turns it added, with their numbers, and the case's new version. */
export interface AppendResult {
  turns: StoredTurn[];
  version: number;
}

export interface CaseStore {
  get(id: string): Promise<CaseRecord | undefined>;
  /**
   * Appends turns to a case, creating it when new, in one atomic step: concurrent appends
   * to one case, from one process or several, are all kept, each in one piece.
   */
  append(id: string, entry: CaseAppend): Promise<AppendResult>;
  /** Marks a case closed; false when there is no such case. */
  close(id: string, at: string): Promise<boolean>;
  /** Deletes cases closed before `cutoff`, or not updated since it; returns how many. */
  purge(cutoff: string): Promise<number>;
  /** Stores feedback on a case; false when there is no such case. */
  addFeedback(f: CaseFeedback): Promise<boolean>;
  feedbackFor(caseId: string): Promise<CaseFeedback[]>;
  /** The agent's cases (by the `agent` of the case's channel address), most recent first. */
  recentForAgent(agent: string, limit: number): Promise<CaseSummary[]>;
  /**
   * The id of the agent's most recently updated open case whose id starts with `idPrefix`
   * and that was updated at or after `since` (ISO): the case a chat message continues.
   */
  openCaseFor(agent: string, idPrefix: string, since: string): Promise<string | undefined>;
  /** Open cases updated at or after `since` (ISO), most recent first: the supervisor view's "active now". */
  activeSince(since: string, limit: number): Promise<CaseSummary[]>;
  /**
   * How many times each step was recommended in turns committed at or after `since` (ISO),
   * counted from the turns' assessments; steps never recommended are absent.
   */
  stepCounts(since: string): Promise<Partial<Record<Step, number>>>;
}

/** How many wording ids a case remembers: enough that a long case never repeats itself. */
export const MAX_SHOWN_WORDINGS = 200;

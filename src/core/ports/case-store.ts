/**
 * The case store port. The in-memory store (src/storage/memory-case-store.ts) serves one
 * process only: with several replicas, cases must live in the shared database.
 */
import type { Turn } from '../case.ts';

export interface ChannelRef {
  channel: 'slack' | 'teams' | 'api' | 'cli' | 'console';
  /** Channel-specific address (Slack team/channel/thread, Teams conversation), opaque to the core. */
  address: Record<string, string>;
}

export interface CaseRecord {
  id: string;
  turns: Turn[];
  /** Wording ids shown so far, oldest first. */
  shownWordings: string[];
  open: boolean;
  channel?: ChannelRef;
  createdAt: string;
  updatedAt: string;
  /** Incremented on every write; lets a store detect a concurrent update. */
  version: number;
}

export interface CaseStore {
  get(id: string): Promise<CaseRecord | undefined>;
  /**
   * Applies `change` to the current record (undefined when the case is new) and stores the
   * result atomically: two updates of one case never lose each other's turns.
   */
  update(id: string, change: (current: CaseRecord | undefined) => CaseRecord): Promise<CaseRecord>;
}

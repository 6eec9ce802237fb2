/** Everything durable, behind one object: what main.ts opens once and closes at shutdown. */
import type { CaseStore } from './case-store.ts';
import type { DrillStore } from './drill-store.ts';
import type { EscalationStore } from './escalation-store.ts';
import type { EventLog } from './event-log.ts';
import type { PreferenceStore } from './preference-store.ts';
import type { RouteStore } from './route-store.ts';

export interface Store {
  /** "memory", "sqlite" or "postgres": for logs and the health endpoint. */
  readonly kind: string;
  cases: CaseStore;
  escalations: EscalationStore;
  routes: RouteStore;
  events: EventLog;
  drills: DrillStore;
  preferences: PreferenceStore;
  /** Resolves when the store answers a trivial query (GET /readyz); rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

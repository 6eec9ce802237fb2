/**
 * Everything in memory: for the CLI, tests and a single short-lived process. Not shared
 * between replicas and lost on restart; main.ts uses SQLite unless told otherwise.
 */
import type { AppendResult, CaseAppend, CaseFeedback, CaseRecord, CaseStore, CaseSummary } from '../../core/ports/case-store.ts';
import type { Step } from '../../core/taxonomy.ts';
import type { DrillSession, DrillStore, Scorecard } from '../../core/ports/drill-store.ts';
import type { EscalationRecord, EscalationStore } from '../../core/ports/escalation-store.ts';
import type { EventLog } from '../../core/ports/event-log.ts';
import type { Route, RouteStore } from '../../core/ports/route-store.ts';
import type { Preferences, PreferenceStore } from '../../core/ports/preference-store.ts';
import type { Store } from '../../core/ports/store.ts';
import { assessmentIndex, mergeShown, mergeSteps } from '../case-merge.ts';

const copy = <T>(x: T): T => structuredClone(x);

class MemoryCases implements CaseStore {
  readonly cases = new Map<string, CaseRecord>();
  /** Called with each purged case id: its escalations go with it, as a foreign key would. */
  private readonly onDelete: (id: string) => void;
  constructor(onDelete: (id: string) => void) {
    this.onDelete = onDelete;
  }

  async get(id: string): Promise<CaseRecord | undefined> {
    const c = this.cases.get(id);
    return c ? copy(c) : undefined;
  }

  async append(id: string, entry: CaseAppend): Promise<AppendResult> {
    // Read, change and write run in one synchronous stretch: nothing can interleave.
    const current = this.cases.get(id);
    const base: CaseRecord = current ?? {
      id,
      turns: [],
      shownWordings: [],
      stepsTaken: [],
      open: true,
      ...(entry.channel ? { channel: copy(entry.channel) } : {}),
      createdAt: entry.at,
      updatedAt: entry.at,
      version: 0,
    };
    const at = assessmentIndex(entry);
    let seq = base.turns.at(-1)?.seq ?? 0;
    const turns = entry.turns.map((t, i) => ({ ...copy(t), seq: ++seq, at: entry.at, ...(i === at ? { assessment: copy(entry.assessment!) } : {}) }));
    const next: CaseRecord = {
      ...base,
      turns: [...base.turns, ...turns],
      shownWordings: mergeShown(base.shownWordings, entry.shownWordings),
      stepsTaken: mergeSteps(base.stepsTaken, entry.stepsTaken),
      ...(base.channel === undefined && entry.channel ? { channel: copy(entry.channel) } : {}),
      updatedAt: entry.at,
      version: base.version + 1,
    };
    this.cases.set(id, next);
    return { turns: copy(turns), version: next.version };
  }

  async close(id: string, at: string): Promise<boolean> {
    const c = this.cases.get(id);
    if (!c) return false;
    this.cases.set(id, { ...c, open: false, closedAt: at, updatedAt: at, version: c.version + 1 });
    return true;
  }

  private readonly feedback: CaseFeedback[] = [];

  async addFeedback(f: CaseFeedback): Promise<boolean> {
    if (!this.cases.has(f.caseId)) return false;
    this.feedback.push(copy(f));
    return true;
  }

  async feedbackFor(caseId: string): Promise<CaseFeedback[]> {
    return this.feedback.filter((f) => f.caseId === caseId).map(copy);
  }

  async recentForAgent(agent: string, limit: number): Promise<CaseSummary[]> {
    return [...this.cases.values()]
      .filter((c) => c.channel?.address.agent === agent)
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .slice(0, limit)
      .map(summary);
  }

  async openCaseFor(agent: string, idPrefix: string, since: string): Promise<string | undefined> {
    return [...this.cases.values()]
      .filter((c) => c.channel?.address.agent === agent && c.open && c.updatedAt >= since && c.id.startsWith(idPrefix))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || byKey(b.id, a.id))[0]?.id;
  }

  async activeSince(since: string, limit: number): Promise<CaseSummary[]> {
    return [...this.cases.values()]
      .filter((c) => c.open && c.updatedAt >= since)
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || byKey(a.id, b.id))
      .slice(0, limit)
      .map(summary);
  }

  async stepCounts(since: string): Promise<Partial<Record<Step, number>>> {
    const counts: Partial<Record<Step, number>> = {};
    for (const c of this.cases.values()) {
      for (const t of c.turns) {
        if (t.at >= since && t.assessment) counts[t.assessment.step] = (counts[t.assessment.step] ?? 0) + 1;
      }
    }
    return counts;
  }

  async purge(cutoff: string): Promise<number> {
    let n = 0;
    for (const [id, c] of this.cases) {
      if ((c.closedAt !== undefined && c.closedAt < cutoff) || c.updatedAt < cutoff) {
        this.cases.delete(id);
        this.onDelete(id);
        for (let i = this.feedback.length - 1; i >= 0; i--) if (this.feedback[i]!.caseId === id) this.feedback.splice(i, 1);
        n++;
      }
    }
    return n;
  }
}

/** A case's line in a summary list, with the assessment of its latest assessed turn. */
function summary(c: CaseRecord): CaseSummary {
  const latest = [...c.turns].reverse().find((t) => t.assessment)?.assessment;
  return { id: c.id, open: c.open, updatedAt: c.updatedAt, ...(latest ? { latest: copy(latest) } : {}) };
}

/** Tie-breaks on ids the way the SQL stores' ORDER BY does (bytewise, not by locale). */
const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

class MemoryEscalations implements EscalationStore {
  private readonly rows = new Map<string, EscalationRecord>();
  private key = (caseId: string, reason: string) => `${caseId}\u0000${reason}`;
  /** Whether a case exists and is open: escalations of closed or missing cases are not "open". */
  private readonly caseOpen: (caseId: string) => boolean;
  constructor(caseOpen: (caseId: string) => boolean) {
    this.caseOpen = caseOpen;
  }

  async open(e: { caseId: string; reason: string; summary: string; at: string }): Promise<boolean> {
    const k = this.key(e.caseId, e.reason);
    if (this.rows.has(k)) return false;
    this.rows.set(k, { caseId: e.caseId, reason: e.reason, summary: e.summary, createdAt: e.at, notified: [] });
    return true;
  }

  async markNotified(caseId: string, reason: string, who: string): Promise<void> {
    const r = this.rows.get(this.key(caseId, reason));
    if (r && !r.notified.includes(who)) r.notified.push(who);
  }

  async acknowledge(caseId: string, reason: string, by: string, at: string): Promise<boolean> {
    const r = this.rows.get(this.key(caseId, reason));
    if (!r || r.acknowledgedBy !== undefined) return false;
    r.acknowledgedBy = by;
    r.acknowledgedAt = at;
    return true;
  }

  async forCase(caseId: string): Promise<EscalationRecord[]> {
    return [...this.rows.values()].filter((r) => r.caseId === caseId).map(copy).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.reason.localeCompare(b.reason));
  }

  dropCase(caseId: string): void {
    for (const [k, r] of this.rows) if (r.caseId === caseId) this.rows.delete(k);
  }

  async unacknowledged(limit: number): Promise<EscalationRecord[]> {
    return [...this.rows.values()].filter((r) => r.acknowledgedBy === undefined).map(copy).sort((a, b) => a.createdAt.localeCompare(b.createdAt)).slice(0, limit);
  }

  async openSince(since: string, limit: number): Promise<EscalationRecord[]> {
    return [...this.rows.values()]
      .filter((r) => r.createdAt >= since && this.caseOpen(r.caseId))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || byKey(a.caseId, b.caseId) || byKey(a.reason, b.reason))
      .slice(0, limit)
      .map(copy);
  }
}

class MemoryRoutes implements RouteStore {
  private readonly rows = new Map<string, Route>();
  async set(route: Route): Promise<void> {
    this.rows.set(`${route.platform}\u0000${route.tenant}`, copy(route));
  }
  async get(platform: Route['platform'], tenant: string): Promise<Route | undefined> {
    const r = this.rows.get(`${platform}\u0000${tenant}`);
    return r ? copy(r) : undefined;
  }
}

class MemoryEvents implements EventLog {
  private readonly claims = new Map<string, string>();
  async claim(source: string, id: string, expiresAt: string): Promise<boolean> {
    const k = `${source}\u0000${id}`;
    if (this.claims.has(k)) return false;
    this.claims.set(k, expiresAt);
    return true;
  }
  async purge(now: string): Promise<number> {
    let n = 0;
    for (const [k, exp] of this.claims) {
      if (exp < now) {
        this.claims.delete(k);
        n++;
      }
    }
    return n;
  }
}

class MemoryDrills implements DrillStore {
  private readonly sessions = new Map<string, DrillSession>();
  private readonly cards: Scorecard[] = [];

  async get(id: string): Promise<DrillSession | undefined> {
    const s = this.sessions.get(id);
    return s ? copy(s) : undefined;
  }
  async active(userId: string): Promise<DrillSession | undefined> {
    const found = [...this.sessions.values()].filter((s) => s.userId === userId && s.status === 'active').sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
    return found ? copy(found) : undefined;
  }
  async save(session: Omit<DrillSession, 'version'>, expectedVersion: number): Promise<boolean> {
    const current = this.sessions.get(session.id);
    if ((current?.version ?? 0) !== expectedVersion) return false;
    this.sessions.set(session.id, { ...copy(session), version: expectedVersion + 1 });
    return true;
  }
  async addScorecard(card: Scorecard): Promise<void> {
    if (!this.cards.some((c) => c.id === card.id)) this.cards.push(copy(card));
  }
  async scorecards(userId: string, limit: number): Promise<Scorecard[]> {
    return this.cards.filter((c) => c.userId === userId).sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, limit).map(copy);
  }
  async teamScorecards(team: string, since: string): Promise<Scorecard[]> {
    return this.cards.filter((c) => c.team === team && c.createdAt >= since).sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map(copy);
  }
  async scorecardsSince(since: string, limit: number): Promise<Scorecard[]> {
    return this.cards
      .filter((c) => c.createdAt >= since)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || byKey(a.id, b.id))
      .slice(0, limit)
      .map(copy);
  }
}

class MemoryPreferences implements PreferenceStore {
  private readonly muted = new Set<string>();
  private readonly board = new Set<string>();
  async get(platform: 'slack' | 'teams', user: string): Promise<Preferences> {
    const key = `${platform}\u0000${user}`;
    return { muted: this.muted.has(key), leaderboard: this.board.has(key) };
  }
  async setMuted(platform: 'slack' | 'teams', user: string, muted: boolean): Promise<void> {
    toggle(this.muted, `${platform}\u0000${user}`, muted);
  }
  async setLeaderboard(platform: 'slack' | 'teams', user: string, on: boolean): Promise<void> {
    toggle(this.board, `${platform}\u0000${user}`, on);
  }
}

function toggle(set: Set<string>, key: string, on: boolean): void {
  if (on) set.add(key);
  else set.delete(key);
}

export function memoryStore(): Store {
  // Each side asks the other only when called, after both exist.
  const escalations = new MemoryEscalations((id) => cases.cases.get(id)?.open === true);
  const cases = new MemoryCases((id) => escalations.dropCase(id));
  return {
    kind: 'memory',
    cases,
    escalations,
    routes: new MemoryRoutes(),
    events: new MemoryEvents(),
    drills: new MemoryDrills(),
    preferences: new MemoryPreferences(),
    async ping() {},
    async close() {},
  };
}

/**
 * The default store: node:sqlite (built into Node 24; no native build, no download) in one
 * file under DATA_DIR, in WAL mode. Every write is one IMMEDIATE transaction, so two
 * processes on the same file queue for the write lock instead of overwriting each other.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { StoreError } from '../../core/errors.ts';
import type { AppendResult, CaseAppend, CaseFeedback, CaseRecord, CaseStore, CaseSummary, StoredTurn } from '../../core/ports/case-store.ts';
import type { DrillSession, DrillStore, Scorecard } from '../../core/ports/drill-store.ts';
import type { EscalationRecord, EscalationStore } from '../../core/ports/escalation-store.ts';
import type { EventLog } from '../../core/ports/event-log.ts';
import type { Route, RouteStore } from '../../core/ports/route-store.ts';
import type { Preferences, PreferenceStore } from '../../core/ports/preference-store.ts';
import type { Store } from '../../core/ports/store.ts';
import { assessmentIndex, mergeShown, mergeSteps } from '../case-merge.ts';
import type { Step } from '../../core/taxonomy.ts';
import { caseFromRow, corrupt, drillFromRow, escalationFromRow, feedbackFromRow, isObject, summaryFromRow, isStringArray, readJson, scorecardFromRow, turnFromRow, type CaseRow, type TurnRow } from '../rows.ts';
import { SQLITE_MIGRATIONS } from './migrations.ts';

/** How long a writer waits for another process's transaction before giving up. */
const BUSY_TIMEOUT_MS = 5000;

type Row = Record<string, SQLInputValue>;

export class SqliteDb {
  readonly db: DatabaseSync;
  readonly path: string;

  constructor(path: string) {
    this.path = path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new DatabaseSync(path);
      this.db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.db.exec('PRAGMA journal_mode = WAL');
      // NORMAL in WAL mode: a crash of the process never loses a commit; only a power cut may.
      this.db.exec('PRAGMA synchronous = NORMAL');
      this.db.exec('PRAGMA foreign_keys = ON');
    } catch (err) {
      throw new StoreError('store_unavailable', `Cannot open the SQLite database at ${path}: ${(err as Error).message}. Check that DATA_DIR is writable and the file is a Defuse database.`, err);
    }
  }

  /** Runs `fn` in one IMMEDIATE transaction (the write lock is taken up front). */
  tx<T>(fn: () => T): T {
    this.control('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.control('COMMIT');
      return out;
    } catch (err) {
      if (this.db.isTransaction) this.control('ROLLBACK');
      throw err;
    }
  }

  /**
   * Transaction control through statements prepared once: exec() parses its SQL on every
   * call, and a reply runs these a handful of times (its writes share a transaction, each in
   * a savepoint).
   */
  private control(sql: 'BEGIN IMMEDIATE' | 'COMMIT' | 'ROLLBACK' | 'SAVEPOINT write' | 'RELEASE write' | 'ROLLBACK TO write'): void {
    this.prepare(sql).run();
  }

  /**
   * Group commit: the writes asked for in one turn of the event loop share one transaction,
   * each inside a savepoint, so a failing write rolls back alone and the others commit. The
   * BEGIN/COMMIT pair costs more than a typical write's statements; with twenty messages in
   * flight this raised the service's throughput by a third (npm run bench). A write's promise
   * settles after its commit, so it is as durable as before when the caller sees it.
   */
  write<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private pending: { fn: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];

  /** Commits the queued writes now (also before close). */
  flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    if (batch.length === 1) {
      const only = batch[0]!;
      try {
        only.resolve(this.tx(only.fn));
      } catch (err) {
        only.reject(err);
      }
      return;
    }
    const results: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
    try {
      this.tx(() => {
        for (const w of batch) {
          this.control('SAVEPOINT write');
          try {
            results.push({ ok: true, value: w.fn() });
            this.control('RELEASE write');
          } catch (err) {
            this.control('ROLLBACK TO write');
            this.control('RELEASE write');
            results.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      // BEGIN or COMMIT failed (the file is locked past the busy timeout, the disk is full): nothing was written.
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => {
      const r = results[i]!;
      if (r.ok) w.resolve(r.value);
      else w.reject(r.err);
    });
  }

  /** Statements are prepared once per connection: preparing costs more than most queries. */
  private readonly statements = new Map<string, StatementSync>();

  prepare(sql: string): StatementSync {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.prepare(sql).all(...params) as Row[];
  }

  get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.prepare(sql).get(...params) as Row | undefined;
  }

  run(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.prepare(sql).run(...params).changes);
  }
}

/** Applies pending migrations; refuses a database made by a newer Defuse. */
export function migrateSqlite(d: SqliteDb): number {
  return d.tx(() => {
    d.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const current = Number(d.get('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations')!.v);
    const known = SQLITE_MIGRATIONS.at(-1)!.version;
    if (current > known) {
      throw new StoreError(
        'store_too_new',
        `The database at ${d.path} has schema version ${current}, but this Defuse knows versions up to ${known}. Run the newer Defuse that wrote it, or point DATA_DIR at another directory; nothing was changed.`,
      );
    }
    for (const m of SQLITE_MIGRATIONS) {
      if (m.version <= current) continue;
      d.db.exec(m.sql);
      d.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', m.version, new Date().toISOString());
    }
    return known;
  });
}

const json = (v: unknown) => JSON.stringify(v);

class SqliteCases implements CaseStore {
  private readonly d: SqliteDb;
  constructor(d: SqliteDb) {
    this.d = d;
  }

  private read(id: string): CaseRecord | undefined {
    const row = this.d.get('SELECT * FROM cases WHERE id = ?', id) as unknown as CaseRow | undefined;
    if (!row) return undefined;
    const turns = this.d.all('SELECT seq, role, text, reported, actions, assessment, at, signal FROM case_turns WHERE case_id = ? ORDER BY seq', id) as unknown as TurnRow[];
    return caseFromRow(row, turns.map((t) => turnFromRow(id, t)));
  }

  async get(id: string): Promise<CaseRecord | undefined> {
    return this.read(id);
  }

  async append(id: string, entry: CaseAppend): Promise<AppendResult> {
    return this.d.write(() => {
      const at = assessmentIndex(entry);
      const insert = this.d.prepare('INSERT INTO case_turns (case_id, seq, role, text, reported, actions, assessment, at, signal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const addTurns = (from: number): StoredTurn[] => {
        let seq = from;
        return entry.turns.map((t, i) => {
          insert.run(id, ++seq, t.role, t.text, t.reported ? 1 : 0, t.actions ? json(t.actions) : null, i === at ? json(entry.assessment) : null, entry.at, t.signal ?? null);
          return { ...t, seq, at: entry.at, ...(i === at ? { assessment: entry.assessment! } : {}) };
        });
      };
      // A new case is written whole in one statement: most messages open a case, and reading
      // back and updating a row just made would cost two more statements on every one of them.
      const created = this.d.run(
        `INSERT INTO cases (id, channel, agent, created_at, updated_at, last_seq, shown_wordings, steps_taken, version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO NOTHING`,
        id,
        entry.channel ? json(entry.channel) : null,
        entry.channel?.address.agent ?? null,
        entry.at,
        entry.at,
        entry.turns.length,
        json(mergeShown([], entry.shownWordings)),
        json(mergeSteps([], entry.stepsTaken)),
      );
      if (created === 1) return { turns: addTurns(0), version: 1 };
      const row = this.d.get('SELECT last_seq, shown_wordings, steps_taken, version FROM cases WHERE id = ?', id)!;
      const shown = readJson(row.shown_wordings, 'cases', id, 'shown_wordings', isStringArray);
      const steps = readJson(row.steps_taken, 'cases', id, 'steps_taken', isStringArray);
      const added = addTurns(Number(row.last_seq));
      const seq = Number(row.last_seq) + added.length;
      this.d.run(
        `UPDATE cases SET last_seq = ?, shown_wordings = ?, steps_taken = ?, channel = COALESCE(channel, ?),
           agent = COALESCE(agent, ?), updated_at = ?, version = version + 1 WHERE id = ?`,
        seq,
        json(mergeShown(shown, entry.shownWordings)),
        json(mergeSteps(steps as never, entry.stepsTaken)),
        entry.channel ? json(entry.channel) : null,
        entry.channel?.address.agent ?? null,
        entry.at,
        id,
      );
      return { turns: added, version: Number(row.version) + 1 };
    });
  }

  async close(id: string, at: string): Promise<boolean> {
    return (await this.d.write(() => this.d.run('UPDATE cases SET open = 0, closed_at = ?, updated_at = ?, version = version + 1 WHERE id = ?', at, at, id))) > 0;
  }

  async purge(cutoff: string): Promise<number> {
    return this.d.write(() => this.d.run('DELETE FROM cases WHERE (closed_at IS NOT NULL AND closed_at < ?) OR updated_at < ?', cutoff, cutoff));
  }

  async addFeedback(f: CaseFeedback): Promise<boolean> {
    return (
      await this.d.write(() =>
        this.d.run('INSERT INTO case_feedback (case_id, by, kind, at) SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM cases WHERE id = ?)', f.caseId, f.by, f.kind, f.at, f.caseId),
      ) > 0
    );
  }

  async feedbackFor(caseId: string): Promise<CaseFeedback[]> {
    return this.d.all('SELECT * FROM case_feedback WHERE case_id = ? ORDER BY at, rowid', caseId).map(feedbackFromRow);
  }

  async recentForAgent(agent: string, limit: number): Promise<CaseSummary[]> {
    const rows = this.d.all(
      `SELECT id, open, updated_at,
         (SELECT assessment FROM case_turns t WHERE t.case_id = cases.id AND t.assessment IS NOT NULL ORDER BY seq DESC LIMIT 1) AS latest
       FROM cases WHERE agent = ? ORDER BY updated_at DESC LIMIT ?`,
      agent,
      limit,
    );
    return rows.map(summaryFromRow);
  }

  async openCaseFor(agent: string, idPrefix: string, since: string): Promise<string | undefined> {
    // The ids that start with the prefix are one range of the primary key: a chat's few cases.
    // The other terms are kept off the indexes (the unary +): left to itself, the planner
    // walked every open case of the last half hour through cases_open, a fifth of a Teams
    // turn under load (npm run bench).
    const end = prefixEnd(idPrefix);
    const row = this.d.get(
      `SELECT id FROM cases WHERE id >= ? AND ${end === undefined ? '1' : 'id < ?'} AND +substr(id, 1, ?) = ? AND +agent = ? AND +open = 1 AND +updated_at >= ?
         ORDER BY updated_at DESC, id DESC LIMIT 1`,
      ...(end === undefined ? [idPrefix] : [idPrefix, end]),
      // substr counts characters (code points), not UTF-16 units.
      [...idPrefix].length,
      idPrefix,
      agent,
      since,
    );
    return row ? String(row.id) : undefined;
  }

  async activeSince(since: string, limit: number): Promise<CaseSummary[]> {
    const rows = this.d.all(
      `SELECT id, open, updated_at,
         (SELECT assessment FROM case_turns t WHERE t.case_id = cases.id AND t.assessment IS NOT NULL ORDER BY seq DESC LIMIT 1) AS latest
       FROM cases WHERE open = 1 AND updated_at >= ? ORDER BY updated_at DESC, id LIMIT ?`,
      since,
      limit,
    );
    return rows.map(summaryFromRow);
  }

  async stepCounts(since: string): Promise<Partial<Record<Step, number>>> {
    // Counted in SQL (case_turns_at finds the turns). An assessment that is not JSON, or has
    // no text step, lands in a NULL group: reported, with one of its rows, like any corrupt row.
    const rows = this.d.all(
      `SELECT CASE WHEN NOT json_valid(assessment) THEN NULL
                   WHEN json_type(assessment, '$.step') = 'text' THEN json_extract(assessment, '$.step') END AS step,
              COUNT(*) AS n, MIN(case_id || '#' || seq) AS sample
       FROM case_turns WHERE at >= ? AND assessment IS NOT NULL AND assessment <> 'null' GROUP BY 1`,
      since,
    );
    return stepCountsFromRows(rows);
  }
}

/** The `stepCounts` groups (step, n, sample) as a record; a group without a step is a corrupt row. */
function stepCountsFromRows(rows: Record<string, unknown>[]): Partial<Record<Step, number>> {
  const counts: Partial<Record<Step, number>> = {};
  for (const r of rows) {
    if (typeof r.step !== 'string') throw corrupt('case_turns', String(r.sample), 'assessment', 'not valid JSON, or no step');
    counts[r.step as Step] = Number(r.n);
  }
  return counts;
}


class SqliteEscalations implements EscalationStore {
  private readonly d: SqliteDb;
  constructor(d: SqliteDb) {
    this.d = d;
  }
  async open(e: { caseId: string; reason: string; summary: string; at: string }): Promise<boolean> {
    return (
      await this.d.write(() =>
        this.d.run('INSERT INTO escalations (case_id, reason, summary, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', e.caseId, e.reason, e.summary, e.at),
      ) > 0
    );
  }
  async markNotified(caseId: string, reason: string, who: string): Promise<void> {
    await this.d.write(() => {
      const r = this.d.get('SELECT * FROM escalations WHERE case_id = ? AND reason = ?', caseId, reason);
      if (!r) return;
      const list = escalationFromRow(r).notified;
      if (!list.includes(who)) this.d.run('UPDATE escalations SET notified = ? WHERE case_id = ? AND reason = ?', json([...list, who]), caseId, reason);
    });
  }
  async acknowledge(caseId: string, reason: string, by: string, at: string): Promise<boolean> {
    return (
      await this.d.write(() =>
        this.d.run('UPDATE escalations SET acknowledged_by = ?, acknowledged_at = ? WHERE case_id = ? AND reason = ? AND acknowledged_by IS NULL', by, at, caseId, reason),
      ) > 0
    );
  }
  async forCase(caseId: string): Promise<EscalationRecord[]> {
    return this.d.all('SELECT * FROM escalations WHERE case_id = ? ORDER BY created_at, reason', caseId).map(escalationFromRow);
  }
  async unacknowledged(limit: number): Promise<EscalationRecord[]> {
    return this.d.all('SELECT * FROM escalations WHERE acknowledged_by IS NULL ORDER BY created_at, case_id, reason LIMIT ?', limit).map(escalationFromRow);
  }
  async openSince(since: string, limit: number): Promise<EscalationRecord[]> {
    return this.d
      .all(
        // From the window (escalations_created_at), each checked against its case: the window
        // holds fewer rows than the open cases.
        `SELECT * FROM escalations e
         WHERE e.created_at >= ? AND EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id AND c.open = 1)
         ORDER BY e.created_at DESC, e.case_id, e.reason LIMIT ?`,
        since,
        limit,
      )
      .map(escalationFromRow);
  }
}

class SqliteRoutes implements RouteStore {
  private readonly d: SqliteDb;
  constructor(d: SqliteDb) {
    this.d = d;
  }
  async set(route: Route): Promise<void> {
    await this.d.write(() =>
      this.d.run(
        'INSERT INTO routes (platform, tenant, target, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (platform, tenant) DO UPDATE SET target = excluded.target, updated_at = excluded.updated_at',
        route.platform,
        route.tenant,
        json(route.target),
        route.updatedAt,
      ),
    );
  }
  async get(platform: Route['platform'], tenant: string): Promise<Route | undefined> {
    const r = this.d.get('SELECT * FROM routes WHERE platform = ? AND tenant = ?', platform, tenant);
    if (!r) return undefined;
    return { platform, tenant, target: readJson(r.target, 'routes', `${platform}/${tenant}`, 'target', isObject), updatedAt: String(r.updated_at) };
  }
}

class SqliteEvents implements EventLog {
  private readonly d: SqliteDb;
  constructor(d: SqliteDb) {
    this.d = d;
  }
  async claim(source: string, id: string, expiresAt: string): Promise<boolean> {
    return (await this.d.write(() => this.d.run('INSERT INTO processed_events (source, event_id, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', source, id, expiresAt))) > 0;
  }
  async purge(now: string): Promise<number> {
    return this.d.write(() => this.d.run('DELETE FROM processed_events WHERE expires_at < ?', now));
  }
}


class SqliteDrills implements DrillStore {
  private readonly d: SqliteDb;
  constructor(d: SqliteDb) {
    this.d = d;
  }
  async get(id: string): Promise<DrillSession | undefined> {
    const r = this.d.get('SELECT * FROM drill_sessions WHERE id = ?', id);
    return r ? drillFromRow(r) : undefined;
  }
  async active(userId: string): Promise<DrillSession | undefined> {
    const r = this.d.get("SELECT * FROM drill_sessions WHERE user_id = ? AND status = 'active' ORDER BY updated_at DESC LIMIT 1", userId);
    return r ? drillFromRow(r) : undefined;
  }
  async save(s: Omit<DrillSession, 'version'>, expectedVersion: number): Promise<boolean> {
    return this.d.write(() => {
      if (expectedVersion === 0) {
        return (
          this.d.run(
            'INSERT INTO drill_sessions (id, user_id, team, status, state, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING',
            s.id, s.userId, s.team, s.status, json(s.state), s.createdAt, s.updatedAt,
          ) > 0
        );
      }
      return (
        this.d.run(
          'UPDATE drill_sessions SET status = ?, state = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?',
          s.status, json(s.state), s.updatedAt, s.id, expectedVersion,
        ) > 0
      );
    });
  }
  async addScorecard(c: Scorecard): Promise<void> {
    await this.d.write(() =>
      this.d.run(
        'INSERT INTO scorecards (id, session_id, user_id, team, card, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
        c.id, c.sessionId, c.userId, c.team, json(c.card), c.createdAt,
      ),
    );
  }
  async scorecards(userId: string, limit: number): Promise<Scorecard[]> {
    return this.d.all('SELECT * FROM scorecards WHERE user_id = ? ORDER BY created_at DESC LIMIT ?', userId, limit).map(scorecardFromRow);
  }
  async teamScorecards(team: string, since: string): Promise<Scorecard[]> {
    return this.d.all('SELECT * FROM scorecards WHERE team = ? AND created_at >= ? ORDER BY created_at DESC', team, since).map(scorecardFromRow);
  }
  async scorecardsSince(since: string, limit: number): Promise<Scorecard[]> {
    return this.d.all('SELECT * FROM scorecards WHERE created_at >= ? ORDER BY created_at DESC, id LIMIT ?', since, limit).map(scorecardFromRow);
  }
}

class SqlitePreferences implements PreferenceStore {
  private readonly d: SqliteDb;
  constructor(d: SqliteDb) {
    this.d = d;
  }
  async get(platform: 'slack' | 'teams', user: string): Promise<Preferences> {
    const r = this.d.get('SELECT muted, leaderboard FROM preferences WHERE platform = ? AND user_id = ?', platform, user);
    return { muted: r !== undefined && Number(r.muted) === 1, leaderboard: r !== undefined && Number(r.leaderboard) === 1 };
  }
  async setLeaderboard(platform: 'slack' | 'teams', user: string, on: boolean, at: string): Promise<void> {
    await this.set('leaderboard', platform, user, on, at);
  }
  /** One choice, leaving the others as they were. `column` is one of ours, never user input. */
  private async set(column: 'muted' | 'leaderboard', platform: string, user: string, on: boolean, at: string): Promise<void> {
    await this.d.write(() =>
      this.d.run(
        `INSERT INTO preferences (platform, user_id, ${column}, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET ${column} = excluded.${column}, updated_at = excluded.updated_at`,
        platform,
        user,
        on ? 1 : 0,
        at,
      ),
    );
  }
  async setMuted(platform: 'slack' | 'teams', user: string, muted: boolean, at: string): Promise<void> {
    await this.set('muted', platform, user, muted, at);
  }
}

/** Opens (creating when absent) and migrates the SQLite database at `path`. */
export function sqliteStore(path: string): Store & { db: SqliteDb } {
  const d = new SqliteDb(path);
  try {
    migrateSqlite(d);
  } catch (err) {
    d.db.close();
    throw err;
  }
  return {
    kind: 'sqlite',
    db: d,
    cases: new SqliteCases(d),
    escalations: new SqliteEscalations(d),
    routes: new SqliteRoutes(d),
    events: new SqliteEvents(d),
    drills: new SqliteDrills(d),
    preferences: new SqlitePreferences(d),
    async ping() {
      d.db.prepare('SELECT 1').get();
    },
    async close() {
      if (!d.db.isOpen) return;
      d.flush();
      d.db.close();
    },
  };
}

/**
 * A string above every string that starts with `prefix`: its last character, one higher
 * (SQLite compares TEXT bytewise in UTF-8, which orders as code points do). A last character
 * that is already the highest is dropped first; a prefix made only of those has no such string.
 */
function prefixEnd(prefix: string): string | undefined {
  const chars = [...prefix];
  while (chars.length > 0) {
    const last = chars.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) return chars.join('') + String.fromCodePoint(last + 1);
  }
  return undefined;
}

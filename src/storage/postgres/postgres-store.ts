/**
 * The shared store for several replicas: PostgreSQL through `pg` with a pool. Appends to
 * a case lock its row (SELECT … FOR UPDATE), so concurrent turns from any replica queue up
 * and all land, in commit order; unique keys make escalations and event claims once-only.
 */
import { guardPool, isConnectionError, unavailable } from './unreachable.ts';
import pg from 'pg';
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
import { caseFromRow, corrupt, drillFromRow, escalationFromRow, feedbackFromRow, iso, summaryFromRow, isObject, isStringArray, readJson, scorecardFromRow, turnFromRow, type CaseRow, type TurnRow } from '../rows.ts';
import { POSTGRES_MIGRATIONS } from './migrations.ts';

/** Any constant works; it only has to be the same for every replica ("defuse" in ASCII). */
const MIGRATION_LOCK = 0x646566757365;

type Row = Record<string, unknown>;
type Client = pg.PoolClient;

/** Where the database is, without the password: safe for messages and logs. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'the configured DATABASE_URL';
  }
}

async function inTx<T>(pool: pg.Pool, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let broken: Error | undefined;
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    // A client whose connection dropped must not go back into the pool for the next turn.
    if (isConnectionError(err)) broken = err as Error;
    throw unavailable(err, 'in use');
  } finally {
    c.release(broken);
  }
}

export async function migratePostgres(pool: pg.Pool, where: string): Promise<number> {
  const c = await pool.connect();
  try {
    // Session-level advisory lock: a second replica waits here until the first has migrated.
    await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)');
      const current = Number((await c.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations')).rows[0].v);
      const known = POSTGRES_MIGRATIONS.at(-1)!.version;
      if (current > known) {
        throw new StoreError(
          'store_too_new',
          `The database ${where} has schema version ${current}, but this Defuse knows versions up to ${known}. Run the newer Defuse that wrote it, or set DATABASE_URL to another database; nothing was changed.`,
        );
      }
      for (const m of POSTGRES_MIGRATIONS) {
        if (m.version <= current) continue;
        await c.query('BEGIN');
        try {
          await c.query(m.sql);
          await c.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())', [m.version]);
          await c.query('COMMIT');
        } catch (err) {
          await c.query('ROLLBACK');
          throw err;
        }
      }
      return known;
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    c.release();
  }
}

class PgCases implements CaseStore {
  private readonly pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  private async read(q: pg.Pool | Client, id: string): Promise<CaseRecord | undefined> {
    const row = (await q.query('SELECT * FROM cases WHERE id = $1', [id])).rows[0] as CaseRow | undefined;
    if (!row) return undefined;
    const turns = (await q.query('SELECT seq, role, text, reported, actions, assessment, at, signal FROM case_turns WHERE case_id = $1 ORDER BY seq', [id])).rows as TurnRow[];
    return caseFromRow(row, turns.map((t) => turnFromRow(id, t)));
  }

  async get(id: string): Promise<CaseRecord | undefined> {
    return this.read(this.pool, id);
  }

  async append(id: string, entry: CaseAppend): Promise<AppendResult> {
    return inTx(this.pool, async (c) => {
      await c.query('INSERT INTO cases (id, channel, agent, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (id) DO NOTHING', [
        id,
        entry.channel ? JSON.stringify(entry.channel) : null,
        entry.channel?.address.agent ?? null,
        entry.at,
      ]);
      // The row lock orders concurrent appends to this case, across every replica.
      const row = (await c.query('SELECT last_seq, shown_wordings, steps_taken, version FROM cases WHERE id = $1 FOR UPDATE', [id])).rows[0] as Row;
      const shown = readJson(row.shown_wordings, 'cases', id, 'shown_wordings', isStringArray);
      const steps = readJson(row.steps_taken, 'cases', id, 'steps_taken', isStringArray);
      let seq = Number(row.last_seq);
      const at = assessmentIndex(entry);
      const added: StoredTurn[] = [];
      for (const [i, t] of entry.turns.entries()) {
        added.push({ ...t, seq: seq + 1, at: entry.at, ...(i === at ? { assessment: entry.assessment! } : {}) });
        await c.query('INSERT INTO case_turns (case_id, seq, role, text, reported, actions, assessment, at, signal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
          id,
          ++seq,
          t.role,
          t.text,
          t.reported === true,
          t.actions ? JSON.stringify(t.actions) : null,
          i === at ? JSON.stringify(entry.assessment) : null,
          entry.at,
          t.signal ?? null,
        ]);
      }
      await c.query(
        `UPDATE cases SET last_seq = $2, shown_wordings = $3, steps_taken = $4, channel = COALESCE(channel, $5),
           agent = COALESCE(agent, $7), updated_at = $6, version = version + 1 WHERE id = $1`,
        [
          id,
          seq,
          JSON.stringify(mergeShown(shown, entry.shownWordings)),
          JSON.stringify(mergeSteps(steps as never, entry.stepsTaken)),
          entry.channel ? JSON.stringify(entry.channel) : null,
          entry.at,
          entry.channel?.address.agent ?? null,
        ],
      );
      return { turns: added, version: Number(row.version) + 1 };
    });
  }

  async close(id: string, at: string): Promise<boolean> {
    const r = await this.pool.query('UPDATE cases SET open = false, closed_at = $2, updated_at = $2, version = version + 1 WHERE id = $1', [id, at]);
    return (r.rowCount ?? 0) > 0;
  }

  async purge(cutoff: string): Promise<number> {
    const r = await this.pool.query('DELETE FROM cases WHERE (closed_at IS NOT NULL AND closed_at < $1) OR updated_at < $1', [cutoff]);
    return r.rowCount ?? 0;
  }

  async addFeedback(f: CaseFeedback): Promise<boolean> {
    const r = await this.pool.query('INSERT INTO case_feedback (case_id, by, kind, at) SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM cases WHERE id = $1)', [f.caseId, f.by, f.kind, f.at]);
    return (r.rowCount ?? 0) > 0;
  }

  async feedbackFor(caseId: string): Promise<CaseFeedback[]> {
    return (await this.pool.query('SELECT * FROM case_feedback WHERE case_id = $1 ORDER BY at, ctid', [caseId])).rows.map(feedbackFromRow);
  }

  async recentForAgent(agent: string, limit: number): Promise<CaseSummary[]> {
    const r = await this.pool.query(
      `SELECT id, open, updated_at,
         (SELECT assessment FROM case_turns t WHERE t.case_id = cases.id AND t.assessment IS NOT NULL ORDER BY seq DESC LIMIT 1) AS latest
       FROM cases WHERE agent = $1 ORDER BY updated_at DESC LIMIT $2`,
      [agent, limit],
    );
    return r.rows.map(summaryFromRow);
  }

  async openCaseFor(agent: string, idPrefix: string, since: string): Promise<string | undefined> {
    // left() compares the prefix exactly (LIKE would read % and _ in ids as wildcards).
    const r = await this.pool.query(
      'SELECT id FROM cases WHERE agent = $1 AND updated_at >= $2 AND open AND left(id, $3) = $4 ORDER BY updated_at DESC, id COLLATE "C" DESC LIMIT 1',
      [agent, since, [...idPrefix].length, idPrefix],
    );
    return r.rows[0] ? String(r.rows[0].id) : undefined;
  }

  async activeSince(since: string, limit: number): Promise<CaseSummary[]> {
    // Ties on updated_at break by id, bytewise (COLLATE "C"), as the other stores do.
    const r = await this.pool.query(
      `SELECT id, open, updated_at,
         (SELECT assessment FROM case_turns t WHERE t.case_id = cases.id AND t.assessment IS NOT NULL ORDER BY seq DESC LIMIT 1) AS latest
       FROM cases WHERE open AND updated_at >= $1 ORDER BY updated_at DESC, id COLLATE "C" LIMIT $2`,
      [since, limit],
    );
    return r.rows.map(summaryFromRow);
  }

  async stepCounts(since: string): Promise<Partial<Record<Step, number>>> {
    // Counted in SQL (case_turns_at finds the turns). An assessment without a text step lands
    // in a NULL group: reported, with one of its rows, like any corrupt row.
    const r = await this.pool.query(
      `SELECT CASE WHEN jsonb_typeof(assessment -> 'step') = 'string' THEN assessment ->> 'step' END AS step,
              COUNT(*) AS n, MIN(case_id || '#' || seq) AS sample
       FROM case_turns WHERE at >= $1 AND assessment IS NOT NULL AND jsonb_typeof(assessment) <> 'null' GROUP BY 1`,
      [since],
    );
    const counts: Partial<Record<Step, number>> = {};
    for (const row of r.rows as Row[]) {
      if (typeof row.step !== 'string') throw corrupt('case_turns', String(row.sample), 'assessment', 'no step');
      counts[row.step as Step] = Number(row.n);
    }
    return counts;
  }
}


class PgEscalations implements EscalationStore {
  private readonly pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.pool = pool;
  }
  async open(e: { caseId: string; reason: string; summary: string; at: string }): Promise<boolean> {
    const r = await this.pool.query('INSERT INTO escalations (case_id, reason, summary, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [e.caseId, e.reason, e.summary, e.at]);
    return (r.rowCount ?? 0) > 0;
  }
  async markNotified(caseId: string, reason: string, who: string): Promise<void> {
    // Appends in one statement: two replicas noting different people keep both.
    await this.pool.query(
      `UPDATE escalations SET notified = notified || to_jsonb($3::text)
       WHERE case_id = $1 AND reason = $2 AND NOT notified ? $3`,
      [caseId, reason, who],
    );
  }
  async acknowledge(caseId: string, reason: string, by: string, at: string): Promise<boolean> {
    const r = await this.pool.query('UPDATE escalations SET acknowledged_by = $3, acknowledged_at = $4 WHERE case_id = $1 AND reason = $2 AND acknowledged_by IS NULL', [caseId, reason, by, at]);
    return (r.rowCount ?? 0) > 0;
  }
  async forCase(caseId: string): Promise<EscalationRecord[]> {
    return (await this.pool.query('SELECT * FROM escalations WHERE case_id = $1 ORDER BY created_at, reason', [caseId])).rows.map(escalationFromRow);
  }
  async unacknowledged(limit: number): Promise<EscalationRecord[]> {
    return (await this.pool.query('SELECT * FROM escalations WHERE acknowledged_by IS NULL ORDER BY created_at, case_id, reason LIMIT $1', [limit])).rows.map(escalationFromRow);
  }
  async openSince(since: string, limit: number): Promise<EscalationRecord[]> {
    const r = await this.pool.query(
      `SELECT * FROM escalations e
       WHERE e.created_at >= $1 AND EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id AND c.open)
       ORDER BY e.created_at DESC, e.case_id COLLATE "C", e.reason COLLATE "C" LIMIT $2`,
      [since, limit],
    );
    return r.rows.map(escalationFromRow);
  }
}

class PgRoutes implements RouteStore {
  private readonly pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.pool = pool;
  }
  async set(route: Route): Promise<void> {
    await this.pool.query(
      'INSERT INTO routes (platform, tenant, target, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (platform, tenant) DO UPDATE SET target = excluded.target, updated_at = excluded.updated_at',
      [route.platform, route.tenant, JSON.stringify(route.target), route.updatedAt],
    );
  }
  async get(platform: Route['platform'], tenant: string): Promise<Route | undefined> {
    const r = (await this.pool.query('SELECT * FROM routes WHERE platform = $1 AND tenant = $2', [platform, tenant])).rows[0] as Row | undefined;
    if (!r) return undefined;
    return { platform, tenant, target: readJson(r.target, 'routes', `${platform}/${tenant}`, 'target', isObject), updatedAt: iso(r.updated_at) };
  }
}

class PgEvents implements EventLog {
  private readonly pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.pool = pool;
  }
  async claim(source: string, id: string, expiresAt: string): Promise<boolean> {
    const r = await this.pool.query('INSERT INTO processed_events (source, event_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [source, id, expiresAt]);
    return (r.rowCount ?? 0) > 0;
  }
  async purge(now: string): Promise<number> {
    return (await this.pool.query('DELETE FROM processed_events WHERE expires_at < $1', [now])).rowCount ?? 0;
  }
}


class PgDrills implements DrillStore {
  private readonly pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.pool = pool;
  }
  async get(id: string): Promise<DrillSession | undefined> {
    const r = (await this.pool.query('SELECT * FROM drill_sessions WHERE id = $1', [id])).rows[0] as Row | undefined;
    return r ? drillFromRow(r) : undefined;
  }
  async active(userId: string): Promise<DrillSession | undefined> {
    const r = (await this.pool.query("SELECT * FROM drill_sessions WHERE user_id = $1 AND status = 'active' ORDER BY updated_at DESC LIMIT 1", [userId])).rows[0] as Row | undefined;
    return r ? drillFromRow(r) : undefined;
  }
  async save(s: Omit<DrillSession, 'version'>, expectedVersion: number): Promise<boolean> {
    const r =
      expectedVersion === 0
        ? await this.pool.query(
            'INSERT INTO drill_sessions (id, user_id, team, status, state, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, 1) ON CONFLICT DO NOTHING',
            [s.id, s.userId, s.team, s.status, JSON.stringify(s.state), s.createdAt, s.updatedAt],
          )
        : await this.pool.query('UPDATE drill_sessions SET status = $2, state = $3, updated_at = $4, version = version + 1 WHERE id = $1 AND version = $5', [
            s.id,
            s.status,
            JSON.stringify(s.state),
            s.updatedAt,
            expectedVersion,
          ]);
    return (r.rowCount ?? 0) > 0;
  }
  async addScorecard(c: Scorecard): Promise<void> {
    await this.pool.query('INSERT INTO scorecards (id, session_id, user_id, team, card, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING', [
      c.id,
      c.sessionId,
      c.userId,
      c.team,
      JSON.stringify(c.card),
      c.createdAt,
    ]);
  }
  async scorecards(userId: string, limit: number): Promise<Scorecard[]> {
    const rows = (await this.pool.query('SELECT * FROM scorecards WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2', [userId, limit])).rows as Row[];
    return rows.map(scorecardFromRow);
  }
  async teamScorecards(team: string, since: string): Promise<Scorecard[]> {
    const rows = (await this.pool.query('SELECT * FROM scorecards WHERE team = $1 AND created_at >= $2 ORDER BY created_at DESC', [team, since])).rows as Row[];
    return rows.map(scorecardFromRow);
  }
  async scorecardsSince(since: string, limit: number): Promise<Scorecard[]> {
    const rows = (await this.pool.query('SELECT * FROM scorecards WHERE created_at >= $1 ORDER BY created_at DESC, id COLLATE "C" LIMIT $2', [since, limit])).rows as Row[];
    return rows.map(scorecardFromRow);
  }
}

class PgPreferences implements PreferenceStore {
  private readonly pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.pool = pool;
  }
  async get(platform: 'slack' | 'teams', user: string): Promise<Preferences> {
    const r = (await this.pool.query('SELECT muted, leaderboard FROM preferences WHERE platform = $1 AND user_id = $2', [platform, user])).rows[0] as Row | undefined;
    return { muted: r?.muted === true, leaderboard: r?.leaderboard === true };
  }
  async setLeaderboard(platform: 'slack' | 'teams', user: string, on: boolean, at: string): Promise<void> {
    await this.set('leaderboard', platform, user, on, at);
  }
  /** One choice, leaving the others as they were. `column` is one of ours, never user input. */
  private async set(column: 'muted' | 'leaderboard', platform: string, user: string, on: boolean, at: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO preferences (platform, user_id, ${column}, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (platform, user_id) DO UPDATE SET ${column} = excluded.${column}, updated_at = excluded.updated_at`,
      [platform, user, on, at],
    );
  }
  async setMuted(platform: 'slack' | 'teams', user: string, muted: boolean, at: string): Promise<void> {
    await this.set('muted', platform, user, muted, at);
  }
}

/** Connects, migrates (under the advisory lock) and returns the store. */
export async function postgresStore(url: string, options: { poolSize?: number } = {}): Promise<Store & { pool: pg.Pool }> {
  const where = describeUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => undefined);
  try {
    await migratePostgres(pool, where);
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (err instanceof StoreError) throw err;
    throw new StoreError('store_unavailable', `Cannot use the PostgreSQL database ${where}: ${(err as Error).message}. Check DATABASE_URL and that the server is reachable.`, err);
  }
  // The stores see a pool whose connection failures are StoreErrors (unreachable.ts).
  const guarded = guardPool(pool, where);
  return {
    kind: 'postgres',
    pool,
    cases: new PgCases(guarded),
    escalations: new PgEscalations(guarded),
    routes: new PgRoutes(guarded),
    events: new PgEvents(guarded),
    drills: new PgDrills(guarded),
    preferences: new PgPreferences(guarded),
    async ping() {
      await guarded.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}

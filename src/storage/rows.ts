/**
 * Reading stored rows back into the core's types. A row that does not read (broken JSON,
 * a wrong shape) is reported with its table, key and what to do; it is never skipped or
 * reset, because a silent repair would lose a customer's case.
 */
import type { Role } from '../core/case.ts';
import { StoreError } from '../core/errors.ts';
import type { CaseFeedback, CaseRecord, CaseSummary, ChannelRef, StoredTurn, TurnAssessment } from '../core/ports/case-store.ts';
import type { DrillSession, Scorecard } from '../core/ports/drill-store.ts';
import type { EscalationRecord } from '../core/ports/escalation-store.ts';
import type { Step } from '../core/taxonomy.ts';
import { isObject } from '../core/guards.ts';

export function corrupt(table: string, key: string, column: string, why: string): StoreError {
  return new StoreError(
    'store_corrupt',
    `The database row ${table}[${key}] has an unreadable "${column}" (${why}). Restore the database from a backup, or delete that row; Defuse does not repair or reset stored cases by itself.`,
  );
}

export function readJson<T>(raw: unknown, table: string, key: string, column: string, check: (v: unknown) => v is T): T {
  let v: unknown = raw;
  if (typeof raw === 'string') {
    try {
      v = JSON.parse(raw);
    } catch {
      throw corrupt(table, key, column, 'not valid JSON');
    }
  }
  if (!check(v)) throw corrupt(table, key, column, 'unexpected shape');
  return v;
}

export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
export { isObject };
export const isObjectOrNull = (v: unknown): v is Record<string, unknown> | null => v === null || isObject(v);

export function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : String(v);
}


const ROLES: readonly string[] = ['customer', 'agent', 'note'];
const isAssessment = (v: unknown): v is TurnAssessment | null =>
  v === null || (isObject(v) && typeof v.emotion === 'string' && typeof v.stage === 'string' && typeof v.intensity === 'number' && isStringArray(v.flags) && typeof v.step === 'string');
const isChannel = (v: unknown): v is ChannelRef | null => v === null || (isObject(v) && typeof v.channel === 'string' && isObject(v.address));
const isStringArrayOrNull = (v: unknown): v is string[] | null => v === null || isStringArray(v);

export interface TurnRow {
  seq: number | string;
  role: string;
  text: string;
  reported: number | boolean;
  actions: unknown;
  assessment: unknown;
  at: unknown;
  signal?: unknown;
}

export function turnFromRow(caseId: string, r: TurnRow): StoredTurn {
  const key = `${caseId}#${r.seq}`;
  if (!ROLES.includes(r.role)) throw corrupt('case_turns', key, 'role', `unknown role "${r.role}"`);
  if (typeof r.text !== 'string') throw corrupt('case_turns', key, 'text', 'missing');
  const actions = readJson(r.actions ?? null, 'case_turns', key, 'actions', isStringArrayOrNull);
  const assessment = readJson(r.assessment ?? null, 'case_turns', key, 'assessment', isAssessment);
  return {
    role: r.role as Role,
    text: r.text,
    ...(r.reported === true || r.reported === 1 ? { reported: true } : {}),
    ...(actions && actions.length > 0 ? { actions: actions as Step[] } : {}),
    ...(r.signal === 'calmed' ? { signal: 'calmed' as const } : {}),
    seq: Number(r.seq),
    at: iso(r.at),
    ...(assessment ? { assessment } : {}),
  };
}

export interface CaseRow {
  id: string;
  open: number | boolean;
  channel: unknown;
  shown_wordings: unknown;
  steps_taken: unknown;
  created_at: unknown;
  updated_at: unknown;
  closed_at: unknown;
  version: number | string;
}

export function caseFromRow(r: CaseRow, turns: StoredTurn[]): CaseRecord {
  const channel = readJson(r.channel ?? null, 'cases', r.id, 'channel', isChannel);
  return {
    id: r.id,
    turns,
    shownWordings: readJson(r.shown_wordings, 'cases', r.id, 'shown_wordings', isStringArray),
    stepsTaken: readJson(r.steps_taken, 'cases', r.id, 'steps_taken', isStringArray) as Step[],
    open: r.open === true || r.open === 1,
    ...(channel ? { channel } : {}),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    ...(r.closed_at !== null && r.closed_at !== undefined ? { closedAt: iso(r.closed_at) } : {}),
    version: Number(r.version),
  };
}

type Row = Record<string, unknown>;

export function escalationFromRow(r: Row): EscalationRecord {
  const key = `${r.case_id}/${r.reason}`;
  return {
    caseId: String(r.case_id),
    reason: String(r.reason),
    summary: String(r.summary),
    createdAt: iso(r.created_at),
    notified: readJson(r.notified, 'escalations', key, 'notified', isStringArray),
    ...(r.acknowledged_by !== null && r.acknowledged_by !== undefined ? { acknowledgedBy: String(r.acknowledged_by), acknowledgedAt: iso(r.acknowledged_at) } : {}),
  };
}

export function drillFromRow(r: Row): DrillSession {
  return {
    id: String(r.id),
    userId: String(r.user_id),
    team: String(r.team),
    status: String(r.status) as DrillSession['status'],
    state: readJson(r.state, 'drill_sessions', String(r.id), 'state', isObject),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    version: Number(r.version),
  };
}

export function scorecardFromRow(r: Row): Scorecard {
  return {
    id: String(r.id),
    sessionId: String(r.session_id),
    userId: String(r.user_id),
    team: String(r.team),
    card: readJson(r.card, 'scorecards', String(r.id), 'card', isObject),
    createdAt: iso(r.created_at),
  };
}

export function feedbackFromRow(r: Row): CaseFeedback {
  return { caseId: String(r.case_id), by: String(r.by), kind: String(r.kind) as CaseFeedback['kind'], at: iso(r.at) };
}

export function summaryFromRow(r: Row): CaseSummary {
  const latest = readJson(r.latest ?? null, 'case_turns', `${String(r.id)}#latest`, 'assessment', isAssessment);
  return { id: String(r.id), open: r.open === true || r.open === 1, updatedAt: iso(r.updated_at), ...(latest ? { latest } : {}) };
}

/**
 * What the supervisor page shows, read from the store: open escalations grouped by case (each
 * reason, age, the case's emotion trajectory, who took it), the cases active in the last hour
 * by stage and emotion, how often each step was recommended over the last day and week, and
 * drill results of agents who chose to appear on the leaderboard. Redacted text only: the
 * store never holds anything else.
 */
import { REASON_TEXT } from '../core/escalation/rules.ts';
import type { Content } from '../core/content/schema.ts';
import type { Store } from '../core/ports/store.ts';
import { STAGES, STEPS, type Emotion, type Stage, type Step } from '../core/taxonomy.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Escalations older than a week are history, not something to act on. */
const ESCALATION_WINDOW = 7 * DAY;
/** "Active now": a case someone wrote in during the last hour. */
const ACTIVE_WINDOW = HOUR;

export interface SupervisorState {
  at: string;
  escalations: {
    caseId: string;
    channel: string;
    reasons: { id: string; text: string; at: string }[];
    summary: string;
    ageSeconds: number;
    trajectory: { emotion: Emotion; intensity: number }[];
    acknowledgedBy: string | null;
    acknowledgedAt: string | null;
  }[];
  active: { total: number; byStage: Record<Stage, Partial<Record<Emotion, number>>> };
  steps: { id: Step; title: string; day: number; week: number }[];
  drills: { who: string; scenario: string; difficulty: string; score: number; at: string }[];
}

export async function supervisorState(store: Store, content: Content, now: Date): Promise<SupervisorState> {
  const t = now.getTime();
  const iso = (ms: number) => new Date(t - ms).toISOString();
  const [escalations, active, day, week, cards] = await Promise.all([
    store.escalations.openSince(iso(ESCALATION_WINDOW), 200),
    store.cases.activeSince(iso(ACTIVE_WINDOW), 500),
    store.cases.stepCounts(iso(DAY)),
    store.cases.stepCounts(iso(7 * DAY)),
    store.drills.scorecardsSince(iso(7 * DAY), 200),
  ]);

  // One entry per case, newest first, with every reason it was escalated for.
  const byCase = new Map<string, typeof escalations>();
  for (const e of escalations) byCase.set(e.caseId, [...(byCase.get(e.caseId) ?? []), e]);
  const rows: SupervisorState['escalations'] = [];
  for (const [caseId, list] of byCase) {
    const c = await store.cases.get(caseId);
    const first = list.reduce((a, b) => (a.createdAt <= b.createdAt ? a : b));
    const acked = list.find((e) => e.acknowledgedBy);
    rows.push({
      caseId,
      channel: c?.channel?.channel ?? 'unknown',
      reasons: list.map((e) => ({ id: e.reason, text: REASON_TEXT[e.reason as keyof typeof REASON_TEXT] ?? e.reason, at: e.createdAt })),
      summary: list.at(-1)!.summary,
      ageSeconds: Math.max(0, Math.round((t - Date.parse(first.createdAt)) / 1000)),
      trajectory: (c?.turns ?? []).flatMap((x) => (x.assessment ? [{ emotion: x.assessment.emotion, intensity: x.assessment.intensity }] : [])).slice(-8),
      acknowledgedBy: acked?.acknowledgedBy ?? null,
      acknowledgedAt: acked?.acknowledgedAt ?? null,
    });
  }
  // Untaken cases first; within each group, the oldest (longest waiting) first.
  rows.sort((a, b) => Number(a.acknowledgedBy !== null) - Number(b.acknowledgedBy !== null) || b.ageSeconds - a.ageSeconds);

  const byStage = Object.fromEntries(STAGES.map((s) => [s, {}])) as SupervisorState['active']['byStage'];
  for (const c of active) {
    if (!c.latest) continue;
    const cell = byStage[c.latest.stage];
    cell[c.latest.emotion] = (cell[c.latest.emotion] ?? 0) + 1;
  }

  const drills: SupervisorState['drills'] = [];
  const optedIn = new Map<string, boolean>();
  for (const s of cards) {
    const [platform, ...rest] = s.userId.split(':');
    const user = rest.join(':');
    if (platform !== 'slack' && platform !== 'teams') continue;
    if (!optedIn.has(s.userId)) optedIn.set(s.userId, (await store.preferences.get(platform, user)).leaderboard);
    if (!optedIn.get(s.userId)) continue;
    const card = s.card as { name?: unknown; scenario?: unknown; difficulty?: unknown; score?: unknown };
    if (typeof card.score !== 'number' || typeof card.scenario !== 'string') continue;
    drills.push({ who: typeof card.name === 'string' ? card.name : user, scenario: card.scenario, difficulty: typeof card.difficulty === 'string' ? card.difficulty : 'normal', score: card.score, at: s.createdAt });
  }

  return {
    at: now.toISOString(),
    escalations: rows,
    active: { total: active.length, byStage },
    steps: STEPS.map((id) => ({ id, title: content.playbook.get(id)?.title ?? id, day: day[id] ?? 0, week: week[id] ?? 0 })),
    drills,
  };
}

/**
 * Drills as the channels use them: start, answer, stop, scorecards and progress, kept in the
 * durable store so a drill survives a restart and any replica takes the next reply. The
 * channels only turn these results into messages; every rule lives here and in the engine.
 */
import type { DrillStore, DrillSession } from '../ports/drill-store.ts';
import type { PreferenceStore } from '../ports/preference-store.ts';
import { startDrill, replyToDrill, stopDrill, type DrillDeps } from './drill-engine.ts';
import { isDrillState, type CustomerLine, type DrillOutcome, type DrillState } from './drill-state.ts';
import { moodOf } from './mood.ts';
import { drillStats, leaderboard, type DrillStats, type LeaderRow, type ScoreEntry } from './progress.ts';
import { DIFFICULTIES, SKILLS, type Difficulty, type Mood, type Scenario, type Skill } from './scenario.ts';
import { scoreDrill, type DrillScorecard } from './scorecard.ts';
import { seedFrom } from './rng.ts';
import type { Stage } from '../taxonomy.ts';
import type { CustomerVoice } from '../ports/customer-voice.ts';
import type { UsageLimits } from '../limits/rate-limit.ts';
import { voiceLineProblem, voiceRequest, type VoiceProblem } from './voice.ts';

export type Platform = 'slack' | 'teams' | 'terminal' | 'console';

/** Who runs a drill: the platform's user and workspace or tenant ids, and a display name. */
export interface DrillOwner {
  platform: Platform;
  user: string;
  team: string;
  name?: string;
}

/** What the store keeps in a session's state. */
interface StoredDrill {
  drill: DrillState;
  owner: DrillOwner;
  /** Where the drill's messages go (a Slack channel and thread, a Teams conversation). */
  where: Record<string, unknown>;
}

export interface DrillDepsWithStore extends DrillDeps {
  /** The LLM mode's voice for the customer; without one the scenario's lines are said as written. */
  voice?: CustomerVoice;
  /** Per-user and per-workspace limits, shared with coaching. */
  limits?: UsageLimits;
  /** Told when a drill starts and how it ends (metrics). */
  observe?: (event: 'started' | DrillOutcome) => void;
  /** Told when a voiced line failed the checks and the scripted one was said instead (metrics). */
  onVoiceRejected?: (problem: VoiceProblem) => void;
  drills: DrillStore;
  preferences: PreferenceStore;
  now: () => Date;
  newId: () => string;
}

export interface PreparedDrill {
  scenario: Scenario;
  state: DrillState;
  opening: CustomerLine;
  /** Why this scenario, when the agent did not name one. */
  chosenBecause?: string;
}

export type DrillReply =
  | { kind: 'none' }
  | { kind: 'not_owner' }
  | { kind: 'over' }
  | { kind: 'busy' }
  | {
      kind: 'turn';
      drillId: string;
      scenario: Scenario;
      line: CustomerLine;
      turn: number;
      mood: Mood;
      stage: Stage;
      outcome?: DrillOutcome;
      scorecard?: DrillScorecard;
    };

export class ScenarioNotFound extends Error {
  readonly known: string[];
  constructor(asked: string, known: string[]) {
    super(`There is no drill scenario "${asked}". Scenarios: ${known.join(', ')}.`);
    this.known = known;
  }
}

const ownerKey = (o: DrillOwner) => `${o.platform}:${o.user}`;
const teamKey = (o: DrillOwner) => `${o.platform}:${o.team}`;
/** The leaderboard looks at the last month: recent practice, not all-time totals. */
const LEADERBOARD_DAYS = 30;

function entryOf(card: Record<string, unknown>, user: string, at: string): ScoreEntry | undefined {
  const c = card as Partial<DrillScorecard> & { name?: unknown };
  if (typeof c.score !== 'number' || typeof c.scenario !== 'string' || !Array.isArray(c.skills)) return undefined;
  const skills: Partial<Record<Skill, number>> = {};
  for (const k of c.skills) if (SKILLS.includes(k?.skill) && typeof k.score === 'number') skills[k.skill] = k.score;
  const difficulty = DIFFICULTIES.includes(c.difficulty as Difficulty) ? (c.difficulty as Difficulty) : 'normal';
  return { user, ...(typeof c.name === 'string' ? { name: c.name } : {}), scenario: c.scenario, difficulty, score: c.score, skills, at };
}

export class Drills {
  private readonly d: DrillDepsWithStore;
  constructor(deps: DrillDepsWithStore) {
    this.d = deps;
  }

  scenarios(): Scenario[] {
    return [...this.d.catalog.scenarios.values()];
  }

  /** Finds a scenario by id or unique id prefix ("late" for late-delivery). */
  findScenario(asked: string): Scenario {
    const all = this.scenarios();
    const exact = all.find((s) => s.id === asked);
    if (exact) return exact;
    const byPrefix = all.filter((s) => s.id.startsWith(asked));
    if (byPrefix.length === 1) return byPrefix[0]!;
    throw new ScenarioNotFound(asked, all.map((s) => s.id));
  }

  /**
   * The opening of a new drill, not yet stored: Slack needs the opening's message id to name
   * the drill's thread. Without a scenario, the one `drill stats` would suggest.
   */
  async prepare(owner: DrillOwner, asked: { scenario?: string; difficulty?: Difficulty; seed?: number }): Promise<PreparedDrill> {
    this.limit(owner);
    let scenario: Scenario;
    let difficulty = asked.difficulty;
    let chosenBecause: string | undefined;
    if (asked.scenario) scenario = this.findScenario(asked.scenario);
    else {
      const s = (await this.stats(owner)).suggestion!;
      scenario = this.findScenario(s.scenario);
      difficulty ??= s.difficulty;
      chosenBecause = s.why;
    }
    const seed = asked.seed ?? seedFrom(this.d.newId());
    const state = await this.voiced(scenario, startDrill(this.d, scenario.id, difficulty ?? 'normal', seed));
    return { scenario, state, opening: state.customer[0]!, ...(chosenBecause ? { chosenBecause } : {}) };
  }

  /** Stores a prepared drill under its id; false when that id is already taken. */
  async open(drillId: string, owner: DrillOwner, prepared: PreparedDrill, where: Record<string, unknown>): Promise<boolean> {
    const at = this.d.now().toISOString();
    const state: StoredDrill = { drill: prepared.state, owner, where };
    const saved = await this.d.drills.save({ id: drillId, userId: ownerKey(owner), team: teamKey(owner), status: 'active', state: state as unknown as Record<string, unknown>, createdAt: at, updatedAt: at }, 0);
    if (saved) this.d.observe?.('started');
    return saved;
  }

  private limit(owner: DrillOwner): void {
    this.d.limits?.check({ user: ownerKey(owner), workspace: teamKey(owner) });
  }

  /** The stored drill, if `drillId` names one this version can read. */
  async get(drillId: string): Promise<{ session: DrillSession; stored: StoredDrill } | undefined> {
    const session = await this.d.drills.get(drillId);
    const stored = session?.state as Partial<StoredDrill> | undefined;
    if (!session || !stored || !isDrillState(stored.drill) || !stored.owner) return undefined;
    if (!this.d.catalog.scenarios.has(stored.drill.scenario)) return undefined;
    return { session, stored: stored as StoredDrill };
  }

  /** The agent's reply in a drill: the customer's next line, and the scorecard when it ends. */
  async reply(drillId: string, user: string, text: string): Promise<DrillReply> {
    const found = await this.get(drillId);
    if (!found) return { kind: 'none' };
    const { session, stored } = found;
    if (stored.owner.user !== user) return { kind: 'not_owner' };
    if (session.status !== 'active' || stored.drill.outcome) return { kind: 'over' };
    this.limit(stored.owner);
    const scenario = this.d.catalog.scenarios.get(stored.drill.scenario)!;
    const turned = replyToDrill(this.d, stored.drill, text);
    const said = await this.voiced(scenario, turned.state);
    const t = { ...turned, state: said, line: said.customer.at(-1)! };
    const finished = t.state.outcome !== undefined;
    const at = this.d.now().toISOString();
    const saved = await this.d.drills.save(
      { id: drillId, userId: session.userId, team: session.team, status: finished ? 'finished' : 'active', state: { ...stored, drill: t.state } as unknown as Record<string, unknown>, createdAt: session.createdAt, updatedAt: at },
      session.version,
    );
    // Another reply (or a replica) got there first: this one is not lost, the agent resends.
    if (!saved) return { kind: 'busy' };
    const base = { kind: 'turn' as const, drillId, scenario, line: t.line, turn: t.state.turn, mood: moodOf(t.state.heat), stage: t.state.stage };
    if (!finished) return base;
    const scorecard = scoreDrill(this.d.content, scenario, t.state);
    await this.d.drills.addScorecard({
      id: `${drillId}:score`,
      sessionId: drillId,
      userId: session.userId,
      team: session.team,
      card: { ...scorecard, drillId, ...(stored.owner.name ? { name: stored.owner.name } : {}) } as unknown as Record<string, unknown>,
      createdAt: at,
    });
    this.d.observe?.(t.state.outcome!);
    return { ...base, outcome: t.state.outcome!, scorecard };
  }

  /**
   * The machine's last line in the model's words, when there is a voice and its line passes
   * the checks (voice.ts: in character, in the mood, true to the scenario); otherwise the
   * state as it was. The line keeps its scenario key, so the
   * scripted line is still never picked twice.
   */
  private async voiced(scenario: Scenario, state: DrillState): Promise<DrillState> {
    if (!this.d.voice) return state;
    const request = voiceRequest(scenario, state);
    const said = await this.d.voice.speak(request).catch(() => undefined);
    if (said === undefined) return state;
    const problem = voiceLineProblem(said, request, this.d);
    if (problem) {
      this.d.onVoiceRejected?.(problem);
      return state;
    }
    const last = state.customer.at(-1)!;
    return { ...state, customer: [...state.customer.slice(0, -1), { ...last, text: said, voiced: true }] };
  }

  /** The id of the owner's latest active drill, among those whose id starts with `prefix`. */
  async activeFor(owner: DrillOwner, prefix = ''): Promise<string | undefined> {
    const active = await this.d.drills.active(ownerKey(owner));
    return active?.id.startsWith(prefix) ? active.id : undefined;
  }

  /**
   * Stops the named drill, or the owner's latest active one. No score is kept for a stopped
   * drill. When nothing stops, `why` says whether there was no drill at all.
   */
  async stop(
    owner: DrillOwner,
    drillId?: string,
  ): Promise<{ stopped: false; why: 'none' | 'not_owner' | 'over' } | { stopped: true; drillId: string; scenario: Scenario; where: Record<string, unknown> }> {
    const id = drillId ?? (await this.activeFor(owner));
    const found = id ? await this.get(id) : undefined;
    if (!found) return { stopped: false, why: 'none' };
    if (found.stored.owner.user !== owner.user) return { stopped: false, why: 'not_owner' };
    if (found.session.status !== 'active') return { stopped: false, why: 'over' };
    const { session, stored } = found;
    const saved = await this.d.drills.save(
      { id: session.id, userId: session.userId, team: session.team, status: 'abandoned', state: { ...stored, drill: stopDrill(stored.drill) } as unknown as Record<string, unknown>, createdAt: session.createdAt, updatedAt: this.d.now().toISOString() },
      session.version,
    );
    if (!saved) return { stopped: false, why: 'over' };
    this.d.observe?.('stopped');
    return { stopped: true, drillId: session.id, scenario: this.d.catalog.scenarios.get(stored.drill.scenario)!, where: stored.where };
  }

  async stats(owner: DrillOwner): Promise<DrillStats> {
    const cards = await this.d.drills.scorecards(ownerKey(owner), 50);
    const entries = cards.map((c) => entryOf(c.card, c.userId, c.createdAt)).filter((e): e is ScoreEntry => e !== undefined);
    return drillStats(entries, this.d.catalog);
  }

  async leaderboard(owner: DrillOwner): Promise<{ rows: LeaderRow[]; joined: boolean }> {
    const since = new Date(this.d.now().getTime() - LEADERBOARD_DAYS * 86_400_000).toISOString();
    const cards = await this.d.drills.teamScorecards(teamKey(owner), since);
    const entries = cards.map((c) => entryOf(c.card, c.userId, c.createdAt)).filter((e): e is ScoreEntry => e !== undefined);
    const optedIn = new Set<string>();
    // Only chat platforms keep preferences: the terminal and the console have no leaderboard.
    const platform = owner.platform === 'slack' || owner.platform === 'teams' ? owner.platform : undefined;
    for (const user of new Set(entries.map((e) => e.user))) {
      const raw = user.slice(user.indexOf(':') + 1);
      if (platform && (await this.d.preferences.get(platform, raw)).leaderboard) optedIn.add(user);
    }
    const joined = platform ? (await this.d.preferences.get(platform, owner.user)).leaderboard : false;
    const rows = leaderboard(entries, optedIn).map((r) => ({ ...r, user: r.user.slice(r.user.indexOf(':') + 1) }));
    return { rows, joined };
  }

  async setLeaderboard(owner: DrillOwner, on: boolean): Promise<void> {
    if (owner.platform !== 'slack' && owner.platform !== 'teams') return;
    await this.d.preferences.setLeaderboard(owner.platform, owner.user, on, this.d.now().toISOString());
  }
}


/**
 * The simulated customer: pure and deterministic for a seed. Each agent reply is read with
 * the draft review (taxonomy §5), moves the customer's heat (mood.ts), may move the stage as
 * live conversations move (venting → explaining → seeking → negotiating → accepting →
 * closing), and picks the customer's next line from the scenario, never one said before.
 */
import type { Lexicons } from '../analysis/lexicon.ts';
import type { Content } from '../content/schema.ts';
import { reviewDraft } from '../review/review-draft.ts';
import { isHarmful, type Stage } from '../taxonomy.ts';
import { bestRemedy, movesIn, remediesIn, type DrillCatalog } from './catalog.ts';
import type { AgentReply, CustomerLine, DrillOutcome, DrillState } from './drill-state.ts';
import { ACCEPT_HEAT, heatChange, MANAGER_HEAT, moodOf, REKINDLE_HEAT, START_HEAT, TURN_LIMIT, VENT_LIMIT, WALKOUT_HEAT, type HeatChange, type ReplyReading } from './mood.ts';
import { nextRandom } from './rng.ts';
import { MOODS, type Difficulty, type Mood, type Scenario } from './scenario.ts';

export interface DrillDeps {
  catalog: DrillCatalog;
  content: Content;
  lexicons: Lexicons;
}

/** An agent reply longer than this is cut for storage and scoring: a chat reply, not an essay. */
export const MAX_REPLY_CHARS = 1200;

export class UnknownScenarioError extends Error {}

export function scenarioOf(deps: DrillDeps, id: string): Scenario {
  const s = deps.catalog.scenarios.get(id);
  if (!s) throw new UnknownScenarioError(id);
  return s;
}

interface Candidate {
  key: string;
  text: string;
}

/** A random unused line from the first list that still has one. */
function pick(state: DrillState, lists: Candidate[][]): { line: Candidate; rng: number } | undefined {
  const used = new Set(state.customer.map((c) => c.key));
  for (const list of lists) {
    const fresh = list.filter((c) => !used.has(c.key));
    if (fresh.length === 0) continue;
    const r = nextRandom(state.rng);
    return { line: fresh[Math.floor(r.value * fresh.length)]!, rng: r.state };
  }
  return undefined;
}

const listOf = (prefix: string, lines: readonly string[]): Candidate[] => lines.map((text, i) => ({ key: `${prefix}.${i}`, text }));

/** The stage's lines for a mood, then for the nearest moods, then none (the customer gives up). */
function stageLines(s: Scenario, stage: Stage, mood: Mood): Candidate[][] {
  const at = MOODS.indexOf(mood);
  const byDistance = [...MOODS].sort((a, b) => Math.abs(MOODS.indexOf(a) - at) - Math.abs(MOODS.indexOf(b) - at) || MOODS.indexOf(a) - MOODS.indexOf(b));
  return byDistance.map((m) => listOf(`lines.${stage}.${m}`, s.lines[stage][m]));
}

export function startDrill(deps: DrillDeps, scenarioId: string, difficulty: Difficulty, seed: number): DrillState {
  const s = scenarioOf(deps, scenarioId);
  const heat = START_HEAT[difficulty];
  const state: DrillState = {
    v: 1,
    scenario: s.id,
    difficulty,
    seed,
    rng: seed | 0,
    heat,
    stage: 'venting',
    turn: 0,
    revealed: false,
    demandingManager: s.persona.wants_manager,
    accepted: false,
    confirmed: false,
    customer: [],
    replies: [],
  };
  const p = pick(state, [listOf(`openings.${difficulty}`, s.openings[difficulty])])!;
  return { ...state, rng: p.rng, customer: [{ ...p.line, mood: moodOf(heat), stage: 'venting' }] };
}

export interface DrillTurn {
  state: DrillState;
  line: CustomerLine;
  change: HeatChange;
  ended: boolean;
}

export function readReply(deps: DrillDeps, s: Scenario, text: string, customerLine: string): ReplyReading {
  const review = reviewDraft(deps.content, deps.lexicons, text, customerLine);
  // "You should have paid for express shipping" names a remedy without offering it.
  const offering = review.behaviours.includes('offer') || !review.behaviours.some(isHarmful);
  return { behaviours: review.behaviours, moves: movesIn(deps.catalog, text), remedy: offering ? remediesIn(deps.catalog, s, text)[0] : undefined };
}

export function replyToDrill(deps: DrillDeps, state: DrillState, rawText: string): DrillTurn {
  if (state.outcome) throw new Error('the drill has ended');
  const s = scenarioOf(deps, state.scenario);
  const text = rawText.trim().slice(0, MAX_REPLY_CHARS);
  const last = state.customer.at(-1)!;
  const reading = readReply(deps, s, text, last.text);
  const has = (b: (typeof reading.behaviours)[number]) => reading.behaviours.includes(b);
  // An over-promise still moves the talk on; it costs in heat and on the scorecard.
  const harmful = reading.behaviours.some((b) => isHarmful(b) && b !== 'overpromise');
  const change = heatChange(reading, {
    scenario: s,
    difficulty: state.difficulty,
    stage: state.stage,
    heat: state.heat,
    apologies: state.replies.filter((r) => r.behaviours.includes('apologize')).length,
    demandingManager: state.demandingManager,
  });
  let delta = change.delta;
  // Ignoring a request for a manager makes it louder.
  if (state.demandingManager && !has('handoff') && delta >= 0) delta += 8;
  const heat = Math.max(0, Math.min(WALKOUT_HEAT, state.heat + delta));
  const best = bestRemedy([...state.replies.map((r) => r.remedy).filter((r) => r !== undefined), ...(reading.remedy ? [reading.remedy] : [])]);

  let stage = state.stage;
  let event: 'walkout' | 'manager' | 'handoff' | 'reveal' | 'resolved' | undefined;
  let { demandingManager, revealed, accepted, confirmed } = state;
  const turn = state.turn + 1;

  if (heat >= WALKOUT_HEAT && state.heat >= MANAGER_HEAT) event = 'walkout';
  else if (demandingManager && has('handoff')) event = 'handoff';
  else if (!demandingManager && heat >= MANAGER_HEAT && delta > 0) {
    demandingManager = true;
    event = 'manager';
  } else {
    if (demandingManager && delta < 0 && heat < 80) demandingManager = false;
    if (heat >= REKINDLE_HEAT && delta > 0 && stage !== 'venting' && stage !== 'explaining') stage = 'venting';
    else if (!harmful) {
      switch (stage) {
        case 'venting':
          if ((has('acknowledge') || has('apologize') || has('ask')) && heat < VENT_LIMIT[state.difficulty]) stage = 'explaining';
          break;
        case 'explaining':
          if (reading.moves.has('asks_outcome')) {
            stage = 'seeking';
            event = 'reveal';
          } else if (has('ask') || has('offer')) stage = reading.remedy ? 'negotiating' : 'seeking';
          break;
        case 'seeking':
        case 'negotiating': {
          const decent = best && best.quality !== 'partial';
          if (reading.moves.has('asks_outcome') && !revealed) event = 'reveal';
          else if (reading.remedy || (stage === 'negotiating' && best && delta < 0)) {
            // The first decent remedy is argued unless the customer is already fairly calm.
            if (decent && heat < (stage === 'negotiating' ? ACCEPT_HEAT + 10 : ACCEPT_HEAT)) stage = 'accepting';
            else if (best?.quality === 'partial' && heat < 25) stage = 'accepting';
            else stage = 'negotiating';
          } else if (has('offer') && stage === 'seeking') stage = 'negotiating';
          break;
        }
        case 'accepting':
          if (has('check') || has('expect')) {
            confirmed = true;
            stage = 'closing';
          } else if (reading.moves.has('closes')) stage = 'closing';
          break;
        case 'closing':
          if (reading.moves.has('closes') || has('thank') || has('check')) {
            if (has('check')) confirmed = true;
            event = 'resolved';
          }
          break;
      }
    }
    if (stage === 'accepting') accepted = true;
    if (event === 'reveal') revealed = true;
  }

  const reply: AgentReply = {
    turn,
    text,
    behaviours: [...reading.behaviours],
    moves: [...reading.moves],
    ...(reading.remedy ? { remedy: { id: reading.remedy.id, quality: reading.remedy.quality } } : {}),
    stageBefore: state.stage,
    stageAfter: stage,
    heatBefore: state.heat,
    heatAfter: heat,
  };
  let next: DrillState = { ...state, heat, stage, turn, demandingManager, revealed, accepted, confirmed, replies: [...state.replies, reply] };
  const mood = moodOf(heat);
  let outcome: DrillOutcome | undefined =
    event === 'walkout' ? 'walkout' : event === 'handoff' ? 'handoff' : event === 'resolved' ? 'resolved' : undefined;
  let lists: Candidate[][];
  if (event === 'walkout') lists = [listOf('endings.walkout', s.endings.walkout)];
  // Handed to a manager: the customer's last word is an ordinary line, not a walk-out.
  else if (event === 'handoff') lists = stageLines(s, stage, mood);
  else if (event === 'manager') lists = [listOf('endings.manager', s.endings.manager), ...stageLines(s, stage, mood)];
  else if (event === 'resolved') lists = [listOf('endings.resolved', s.endings.resolved), ...stageLines(s, 'closing', mood)];
  else if (event === 'reveal') lists = [listOf('reveal', s.reveal), ...stageLines(s, stage, mood)];
  else lists = stageLines(s, stage, mood);
  let p = pick(next, lists);
  if (!p) {
    // Every line of this stage is spent: the conversation has gone round in circles.
    outcome = 'walkout';
    p = pick(next, [listOf('endings.walkout', s.endings.walkout)]) ?? { line: { key: 'endings.walkout.0', text: s.endings.walkout[0]! }, rng: next.rng };
  }
  if (!outcome && turn >= TURN_LIMIT[state.difficulty]) outcome = 'turn_limit';
  const line: CustomerLine = { ...p.line, mood, stage };
  next = { ...next, rng: p.rng, customer: [...next.customer, line], ...(outcome ? { outcome } : {}) };
  return { state: next, line, change: { ...change, delta }, ended: outcome !== undefined };
}

export function stopDrill(state: DrillState): DrillState {
  return state.outcome ? state : { ...state, outcome: 'stopped' };
}

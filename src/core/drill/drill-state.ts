/**
 * A drill's whole state as plain JSON: what the store keeps between replies, so a drill
 * survives a restart and any replica can take the next reply.
 */
import type { Behaviour, Stage } from '../taxonomy.ts';
import type { Move } from './catalog.ts';
import type { Difficulty, Mood } from './scenario.ts';

export const DRILL_OUTCOMES = ['resolved', 'walkout', 'handoff', 'turn_limit', 'stopped'] as const;
export type DrillOutcome = (typeof DRILL_OUTCOMES)[number];

export interface CustomerLine {
  /** Where the line came from in the scenario ("lines.venting.angry.1"): never used twice. */
  key: string;
  text: string;
  mood: Mood;
  stage: Stage;
  /** Said in the model's words rather than the scenario's (the LLM mode's drill voice). */
  voiced?: true;
}

export interface AgentReply {
  turn: number;
  text: string;
  behaviours: Behaviour[];
  moves: Move[];
  remedy?: { id: string; quality: 'ideal' | 'acceptable' | 'partial' };
  stageBefore: Stage;
  stageAfter: Stage;
  heatBefore: number;
  heatAfter: number;
}

export interface DrillState {
  v: 1;
  scenario: string;
  difficulty: Difficulty;
  seed: number;
  /** The generator's state after the last draw. */
  rng: number;
  heat: number;
  stage: Stage;
  /** Agent replies so far. */
  turn: number;
  revealed: boolean;
  demandingManager: boolean;
  /** The customer agreed to a remedy (reached accepting). */
  accepted: boolean;
  /** The agent checked the remedy works for them after it was agreed or offered. */
  confirmed: boolean;
  /** Every line the customer said, the opening first. */
  customer: CustomerLine[];
  replies: AgentReply[];
  outcome?: DrillOutcome;
}

/** A stored state that is not a drill this version understands is refused, not guessed at. */
export function isDrillState(x: unknown): x is DrillState {
  const s = x as Partial<DrillState> | null;
  return typeof s === 'object' && s !== null && s.v === 1 && typeof s.scenario === 'string' && Array.isArray(s.customer) && Array.isArray(s.replies) && typeof s.heat === 'number';
}

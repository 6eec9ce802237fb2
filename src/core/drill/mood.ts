/**
 * How the simulated customer's heat (0 to 100) moves with each agent reply. The numbers are
 * the drill's teaching: each says what the guidance says about that move at that moment.
 * Calming moves shrink as the conversation goes on (an apology counts most the first time);
 * harmful ones always cost, most of all sarcasm and "calm down".
 */
import type { Behaviour, Stage } from '../taxonomy.ts';
import type { Move } from './catalog.ts';
import type { Difficulty, Mood, Resolution, Scenario } from './scenario.ts';

export const START_HEAT: Record<Difficulty, number> = { easy: 55, normal: 70, hard: 85 };
/** Hard customers take longer to calm and flare faster; easy ones forgive more. */
const CALM_FACTOR: Record<Difficulty, number> = { easy: 1.25, normal: 1, hard: 0.8 };
const HEAT_FACTOR: Record<Difficulty, number> = { easy: 0.8, normal: 1, hard: 1.25 };
/** Behaviours this persona reacts to more than most people (scenario calms / inflames). */
const PERSONA_FACTOR = 1.5;

/** Below this heat a venting customer is ready to talk facts (easy ones sooner). */
export const VENT_LIMIT: Record<Difficulty, number> = { easy: 75, normal: 70, hard: 65 };
/** From here the customer asks for a manager; at 100 after being there, they walk out. */
export const MANAGER_HEAT = 90;
export const WALKOUT_HEAT = 100;
/** A customer this heated after a remedy was discussed is back to venting. */
export const REKINDLE_HEAT = 75;
/** Below this a decent remedy is accepted outright; above, it is argued first. */
export const ACCEPT_HEAT = 50;
/** Agent replies before the drill ends anyway. */
export const TURN_LIMIT: Record<Difficulty, number> = { easy: 14, normal: 12, hard: 10 };

export function moodOf(heat: number): Mood {
  if (heat >= 75) return 'furious';
  if (heat >= 50) return 'angry';
  if (heat >= 25) return 'upset';
  return 'calm';
}

const HARM: Partial<Record<Behaviour, number>> = {
  // "Calm down" and sarcasm tell the customer they are not taken seriously: the worst moves.
  sarcasm: 18,
  dismiss: 16,
  blame: 15,
  argue: 12,
  policy_wall: 12,
  excuse: 10,
  // An angry customer rarely believes a guarantee, and remembers it when it breaks.
  overpromise: 6,
};

export interface ReplyReading {
  behaviours: readonly Behaviour[];
  moves: ReadonlySet<Move>;
  /** The best remedy of this scenario the reply offers, if any. */
  remedy: Resolution | undefined;
}

export interface HeatContext {
  scenario: Scenario;
  difficulty: Difficulty;
  stage: Stage;
  heat: number;
  /** Apologies in earlier replies of this drill. */
  apologies: number;
  demandingManager: boolean;
}

/** One reason per effect, for the scorecard and the tests. */
export interface HeatChange {
  delta: number;
  effects: { behaviour: Behaviour | Move | 'ignored'; delta: number }[];
}

function baseEffect(b: Behaviour, r: ReplyReading, c: HeatContext): number {
  const early = c.stage === 'venting' || c.stage === 'explaining';
  const has = (x: Behaviour) => r.behaviours.includes(x);
  const heard = has('acknowledge') || has('apologize');
  switch (b) {
    case 'acknowledge':
      return early ? -14 : -6;
    case 'apologize':
      return c.apologies === 0 ? -10 : c.apologies < 3 ? -3 : 0;
    case 'ask':
      // Questions before the customer feels heard read as an interrogation.
      if (c.stage === 'venting') return c.heat >= 75 && !heard ? 4 : -4;
      return c.stage === 'explaining' ? -6 : -2;
    case 'offer':
      // A fix thrown at someone still venting tells them their feelings do not matter.
      if (c.stage === 'venting') return heard ? 0 : 10;
      if (c.stage === 'explaining') return -3;
      if (!r.remedy) return -4;
      return r.remedy.quality === 'ideal' ? -15 : r.remedy.quality === 'acceptable' ? -10 : -3;
    case 'expect':
      return early ? -2 : -6;
    case 'check':
      return c.stage === 'negotiating' || c.stage === 'accepting' || c.stage === 'closing' ? -5 : 0;
    case 'thank':
      return -3;
    case 'boundary':
      // A calm boundary steadies an abusive customer; aimed at one who was not, it scolds.
      return c.scenario.persona.abusive && c.heat >= 50 ? -8 : 6;
    case 'handoff':
      // Passing the customer on before trying is another brush-off; asked for, it is respect.
      return c.demandingManager ? -4 : early ? 4 : 0;
    default:
      return HARM[b] ?? 0;
  }
}

export function heatChange(r: ReplyReading, c: HeatContext): HeatChange {
  const effects: HeatChange['effects'] = [];
  const calms = new Set(c.scenario.calms.map((x) => x.behaviour));
  const inflames = new Set(c.scenario.inflames.map((x) => x.behaviour));
  for (const b of r.behaviours) {
    let d = baseEffect(b, r, c);
    if (d < 0 && calms.has(b)) d *= PERSONA_FACTOR;
    if (inflames.has(b)) {
      // A helpful move this persona dislikes early on (a rushed offer to an anxious caller).
      if (d <= 0 && (c.stage === 'venting' || c.stage === 'explaining')) d = 6;
      else if (d > 0) d *= PERSONA_FACTOR;
    }
    d *= d < 0 ? CALM_FACTOR[c.difficulty] : HEAT_FACTOR[c.difficulty];
    if (d !== 0) effects.push({ behaviour: b, delta: d });
  }
  if (r.moves.has('asks_outcome') && c.stage !== 'venting') effects.push({ behaviour: 'asks_outcome', delta: -6 * CALM_FACTOR[c.difficulty] });
  // A reply that does none of the things a customer listens for feels like being ignored.
  if (r.behaviours.length === 0 && r.moves.size === 0) effects.push({ behaviour: 'ignored', delta: 5 * HEAT_FACTOR[c.difficulty] });
  const delta = Math.round(effects.reduce((s, e) => s + e.delta, 0));
  return { delta, effects: effects.map((e) => ({ ...e, delta: Math.round(e.delta) })) };
}

/**
 * Where the conversation stands (docs/taxonomy.md §3), from the latest customer turn and
 * what the agent did just before it.
 */
import type { Stage } from '../taxonomy.ts';
import type { EmotionReading } from './emotion.ts';
import type { TurnReading } from './read-turn.ts';

export interface StageContext {
  /** The agent proposed a remedy since the customer last spoke (or says so in a note). */
  proposal: boolean;
  /** The agent asked a question since the customer last spoke. */
  asked: boolean;
}

export function decideStage(r: TurnReading, e: EmotionReading, ctx: StageContext): Stage {
  const s = r.stage;
  const heated = e.emotion === 'angry' || e.emotion === 'hostile' || e.emotion === 'frustrated';
  // Closing: thanks or a sign-off with nothing left open. An angry "thanks for nothing" is not.
  if (s.closing >= 1.0 && s.closing >= s.seeking + 0.3 && s.negotiating < 0.8 && !(heated && e.intensity > 0.5)) {
    if (!(ctx.proposal && s.accepting >= 1.1 && s.closing < 1.5)) return 'closing';
  }
  if (ctx.proposal) {
    // Reacting to a proposal: objections and counter-demands negotiate, agreement accepts.
    if (s.negotiating >= 0.8 && s.negotiating >= s.accepting) return 'negotiating';
    if (s.accepting >= 0.9 && s.negotiating < 0.8) return 'accepting';
    if (heated && (s.seeking >= 0.5 || s.negotiating > 0)) return 'negotiating';
    if (s.closing >= 0.6 && !heated) return 'accepting';
  }
  if (s.seeking >= 0.8) {
    // An answer to the agent's question that also asks for something is still an answer
    // when the facts dominate ("paid on the 2nd by transfer; do I need to do anything?").
    if (ctx.asked && s.explaining >= s.seeking) return 'explaining';
    return 'seeking';
  }
  if (ctx.asked) return heated && s.venting >= 0.8 && s.explaining < 0.5 ? 'venting' : 'explaining';
  if (heated) {
    if (s.explaining >= 0.9 && s.venting < 0.5 && e.intensity < 0.6) return 'explaining';
    return 'venting';
  }
  if (e.emotion === 'anxious' || e.emotion === 'confused') return s.seeking > 0 ? 'seeking' : 'explaining';
  return s.seeking > 0.3 ? 'seeking' : 'explaining';
}

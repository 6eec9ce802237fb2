/**
 * Names the customer's emotion and its intensity from a turn reading (docs/taxonomy.md §1).
 * Lexicon scores come first; flags and shouting add what the words alone miss.
 */
import { type Emotion, type Flag } from '../taxonomy.ts';
import type { TurnReading } from './read-turn.ts';

export interface EmotionReading {
  emotion: Emotion;
  intensity: number;
  scores: Record<Emotion, number>;
}

/**
 * Below this, no negative feeling is clear enough to name: the customer reads as calm.
 * 0.7 is one clear cue ("still not", "worried") or two hints ("again", "late").
 */
const NAMED_THRESHOLD = 0.7;
/** Abuse or a personal threat is enough on its own: hostility is never a close call. */
const HOSTILE_THRESHOLD = 1.5;

/** What each flag says about the feeling behind it. */
const FLAG_WEIGHTS: Partial<Record<Flag, Partial<Record<Emotion, number>>>> = {
  // Threatening to sue or to go public is an ultimatum: openly angry (taxonomy §1 'angry').
  threat_legal: { angry: 1.0 },
  threat_public: { angry: 1.0 },
  // Leaving is often said in anger, sometimes in weary disappointment.
  threat_churn: { angry: 0.6, frustrated: 0.3 },
  demands_manager: { frustrated: 0.7, angry: 0.4 },
  // Having to come back again is the typical source of frustration.
  repeat_contact: { frustrated: 0.6 },
  urgent: { anxious: 0.4 },
};

export function scoreEmotions(r: TurnReading): Record<Emotion, number> {
  const s = { ...r.emotion };
  for (const [flag, weights] of Object.entries(FLAG_WEIGHTS) as [Flag, Partial<Record<Emotion, number>>][]) {
    if (!r.flags.has(flag)) continue;
    for (const [e, w] of Object.entries(weights) as [Emotion, number][]) s[e] += w;
  }
  if (r.abuse.length > 0 || r.flags.has('abusive_language')) s.hostile += 2.5;
  if (r.flags.has('safety_risk')) {
    // A threat to someone else is hostile; words about harming oneself are fear and despair.
    if (r.riskToSelf.length > 0) s.anxious += 2.0;
    else s.hostile += 2.0;
  }
  const negative = s.frustrated + s.angry + s.hostile;
  const sig = r.signals;
  // Shouting: several words in capitals, or a run of exclamation marks, on top of a complaint.
  // One capitalised word is emphasis ("There IS money"), not shouting.
  if (sig.capsWords >= 2 && (negative > 0.3 || sig.capsWords >= 4)) s.angry += 0.4 + 0.15 * Math.min(sig.capsWords, 6);
  if (sig.exclamations >= 2 && negative > 0.3) s.angry += 0.3;
  // Profanity that is not aimed at a person still shows heat ("this damn app").
  if (sig.profanity > 0 && s.hostile < HOSTILE_THRESHOLD) s.angry += Math.min(0.8 * sig.profanity, 1.2);
  // Several questions at once with no heat: the customer is trying to make sense of it.
  if (sig.questionMarks >= 2 && negative < 0.5) s.confused += 0.4;
  return s;
}

export function decideEmotion(scores: Record<Emotion, number>): Emotion {
  if (scores.hostile >= HOSTILE_THRESHOLD) return 'hostile';
  let best: Emotion = 'calm';
  let bestScore = 0;
  for (const e of ['confused', 'anxious', 'frustrated', 'angry'] as const) {
    if (scores[e] > bestScore) {
      best = e;
      bestScore = scores[e];
    }
  }
  if (bestScore < NAMED_THRESHOLD) return 'calm';
  // Thanks and politeness outweigh a single weak complaint ("a bit late, but thanks!").
  if (scores.calm > bestScore * 1.5 && bestScore < 1.2) return 'calm';
  // Anger needs more than one mild cue when frustration is just as present.
  if (best === 'angry' && scores.frustrated >= scores.angry * 0.85 && scores.angry < 1.3) return 'frustrated';
  return best;
}

/** Where each emotion sits on the 0-1 scale before the surface signals move it. */
const BASE_INTENSITY: Record<Emotion, number> = {
  calm: 0.05,
  confused: 0.2,
  anxious: 0.4,
  frustrated: 0.4,
  angry: 0.65,
  hostile: 0.82,
};

export function intensityOf(emotion: Emotion, scores: Record<Emotion, number>, r: TurnReading): number {
  const sig = r.signals;
  let v = BASE_INTENSITY[emotion];
  if (emotion !== 'calm') v += Math.min(0.04 * Math.max(0, scores[emotion] - NAMED_THRESHOLD), 0.12);
  v += Math.min(0.03 * sig.capsWords, 0.12);
  v += Math.min(0.02 * sig.exclamations, 0.08);
  v += Math.min(0.05 * sig.profanity, 0.1);
  v += Math.min(0.02 * (sig.intensifiers + sig.elongated), 0.06);
  if (emotion === 'calm') v = Math.min(v, 0.2);
  return Math.round(Math.min(1, Math.max(0, v)) * 100) / 100;
}

export function readEmotion(r: TurnReading, prior?: Record<Emotion, number>): EmotionReading {
  const scores = scoreEmotions(r);
  if (prior) {
    // A short or neutral follow-up ("??", "so?") keeps part of the feeling of the turn before.
    const strongest = Math.max(scores.confused, scores.anxious, scores.frustrated, scores.angry, scores.hostile);
    if (strongest < 1.0 && scores.calm < 0.6) {
      for (const e of ['confused', 'anxious', 'frustrated', 'angry'] as const) scores[e] += 0.35 * prior[e];
      // Hostility does not carry over: a turn without abuse is not abusive.
      scores.frustrated += 0.35 * Math.min(prior.hostile, 1.5);
    }
  }
  const emotion = decideEmotion(scores);
  return { emotion, intensity: intensityOf(emotion, scores, r), scores };
}

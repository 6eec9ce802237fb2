/**
 * "Customer calmed down": the agent reports what the pasted text cannot show (a tone of
 * voice on a call, a pause). The latest reading steps down one notch, the trend shows the
 * fall, and the agent is told the reading includes their report. Confusion is not anger:
 * calming down does not clear it. Flags stay: a threat that was made still stands.
 */
import type { Emotion, Stage } from '../taxonomy.ts';
import type { TrendPoint } from './analyse-case.ts';

const CALMER: Record<Emotion, Emotion> = {
  hostile: 'frustrated',
  angry: 'frustrated',
  frustrated: 'calm',
  anxious: 'calm',
  confused: 'confused',
  calm: 'calm',
};

/** Halving keeps the order between readings; a calm customer never reads above 0.2. */
const CALM_FACTOR = 0.5;

export const CALMED_NOTICE = 'You reported that the customer calmed down; this reading takes it into account.';

export function calmedReading(emotion: Emotion, intensity: number, stage: Stage, turn: number): { emotion: Emotion; intensity: number; stage: Stage; point: TrendPoint } {
  const next = CALMER[emotion];
  let value = Math.round(intensity * CALM_FACTOR * 100) / 100;
  if (next === 'calm') value = Math.min(value, 0.2);
  // Someone who stopped venting is ready to talk about the problem.
  const nextStage: Stage = stage === 'venting' ? 'explaining' : stage;
  return { emotion: next, intensity: value, stage: nextStage, point: { turn, emotion: next, intensity: value } };
}

/**
 * The label ids of docs/taxonomy.md. They are a contract with the evaluation sets,
 * the CLI's JSON and every channel: change them only together with docs/taxonomy.md.
 */
import { z } from 'zod';

/** Ordered by escalation: the index is used when comparing two readings. */
export const EMOTIONS = ['calm', 'confused', 'anxious', 'frustrated', 'angry', 'hostile'] as const;
export const FLAGS = [
  'abusive_language',
  'threat_churn',
  'threat_legal',
  'threat_public',
  'demands_manager',
  'safety_risk',
  'repeat_contact',
  'urgent',
] as const;
/** Ordered as a conversation usually moves. */
export const STAGES = ['venting', 'explaining', 'seeking', 'negotiating', 'accepting', 'closing'] as const;
/** Playbook order: empathy before apology before questions before remedies (taxonomy §4). */
export const STEPS = [
  'listen',
  'empathize',
  'apologize',
  'diagnose',
  'resolve',
  'confirm',
  'close',
  'boundary',
  'handoff',
] as const;
export const HELPFUL_BEHAVIOURS = [
  'acknowledge',
  'apologize',
  'ask',
  'offer',
  'expect',
  'check',
  'thank',
  'boundary',
  'handoff',
] as const;
export const HARMFUL_BEHAVIOURS = [
  'blame',
  'argue',
  'dismiss',
  'sarcasm',
  'overpromise',
  'policy_wall',
  'excuse',
] as const;
export const BEHAVIOURS = [...HELPFUL_BEHAVIOURS, ...HARMFUL_BEHAVIOURS] as const;
export const TRENDS = ['rising', 'steady', 'falling'] as const;

export const EmotionSchema = z.enum(EMOTIONS);
export const FlagSchema = z.enum(FLAGS);
export const StageSchema = z.enum(STAGES);
export const StepSchema = z.enum(STEPS);
export const BehaviourSchema = z.enum(BEHAVIOURS);
export const TrendSchema = z.enum(TRENDS);

export type Emotion = (typeof EMOTIONS)[number];
export type Flag = (typeof FLAGS)[number];
export type Stage = (typeof STAGES)[number];
export type Step = (typeof STEPS)[number];
export type Behaviour = (typeof BEHAVIOURS)[number];
export type HarmfulBehaviour = (typeof HARMFUL_BEHAVIOURS)[number];
export type Trend = (typeof TRENDS)[number];

const harmful: ReadonlySet<string> = new Set(HARMFUL_BEHAVIOURS);
export function isHarmful(b: Behaviour): b is HarmfulBehaviour {
  return harmful.has(b);
}

export function emotionRank(e: Emotion): number {
  return EMOTIONS.indexOf(e);
}

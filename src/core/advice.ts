/**
 * The coach's answer. Every channel renders this object; the CLI prints it with --json;
 * integrations receive it as is. The schema is the published contract: typed code builds the
 * object, the tests hold every answer to the schema, and answers from a model are parsed with it.
 */
import { z } from 'zod';
import { BehaviourSchema, EmotionSchema, FlagSchema, StageSchema, StepSchema, TrendSchema } from './taxonomy.ts';
import { EscalationReasonSchema } from './escalation/rules.ts';

export const ADVICE_SCHEMA_ID = 'defuse.advice/1';

export const SourceSchema = z.object({
  file: z.string(),
  title: z.string(),
  section: z.string(),
});

export const CueSchema = z.object({
  text: z.string(),
  turn: z.number().int().min(0),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  signal: z.enum(['emotion', 'flag', 'stage', 'intensity']),
  label: z.string(),
});

export const AdviceSchema = z.object({
  schema: z.literal(ADVICE_SCHEMA_ID),
  caseId: z.string().optional(),
  emotion: EmotionSchema,
  intensity: z.number().min(0).max(1),
  trend: z.object({
    direction: TrendSchema.nullable(),
    history: z.array(z.object({ turn: z.number().int(), emotion: EmotionSchema, intensity: z.number().min(0).max(1) })),
  }),
  flags: z.array(FlagSchema),
  stage: StageSchema,
  step: StepSchema,
  stepTitle: z.string(),
  say: z.array(z.object({ id: z.string(), text: z.string() })).min(1).max(3),
  avoid: z.array(z.string()).min(1),
  why: z.string(),
  sources: z.array(SourceSchema).min(1),
  cues: z.array(CueSchema),
  escalate: z.object({
    notify: z.boolean(),
    reasons: z.array(z.object({ id: EscalationReasonSchema, text: z.string() })),
  }),
  selfCare: z.string().nullable(),
  stepsTaken: z.array(StepSchema),
  agentBehaviours: z.array(BehaviourSchema),
  turnsRead: z.object({ customer: z.number().int(), agent: z.number().int(), notes: z.number().int() }),
  source: z.enum(['offline', 'llm', 'both']),
  notices: z.array(z.string()),
});
export type Advice = z.infer<typeof AdviceSchema>;
export type Source = z.infer<typeof SourceSchema>;
export type Cue = z.infer<typeof CueSchema>;

export const ReviewSchema = z.object({
  schema: z.literal('defuse.review/1'),
  /** Behaviour ids found, as in the taxonomy's evaluation format. */
  behaviours: z.array(BehaviourSchema),
  findings: z.array(
    z.object({
      id: BehaviourSchema,
      kind: z.enum(['helpful', 'harmful']),
      spans: z.array(z.object({ text: z.string(), start: z.number().int(), end: z.number().int() })),
      better: z.string().optional(),
      tip: z.string().optional(),
      source: SourceSchema.optional(),
    }),
  ),
  summary: z.string(),
});
export type Review = z.infer<typeof ReviewSchema>;

/** The evaluation case format of docs/taxonomy.md §6, as zod schemas. */
import { z } from 'zod';
import { BehaviourSchema, EmotionSchema, FlagSchema, StageSchema, StepSchema } from '../core/taxonomy.ts';

export const TurnSchema = z.object({
  role: z.enum(['customer', 'agent', 'note']),
  text: z.string(),
});

export const LabelsSchema = z
  .object({
    emotion: EmotionSchema,
    stage: StageSchema,
    flags: z.array(FlagSchema),
    steps: z.array(StepSchema).min(1),
    behaviours: z.array(BehaviourSchema),
  })
  .partial();

export const EvalCaseSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    turns: z.array(TurnSchema).min(1).optional(),
    raw: z.string().optional(),
    draft: z.string().optional(),
    context: z.string().optional(),
    labels: LabelsSchema.optional(),
  })
  .refine((c) => c.turns !== undefined || c.raw !== undefined || c.draft !== undefined, {
    message: 'a case needs "turns", "raw" or "draft"',
  });
export type EvalCase = z.infer<typeof EvalCaseSchema>;

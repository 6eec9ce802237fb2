/**
 * The REST API's request and response shapes: validated with zod on the way in, and rendered
 * from the same schemas into the OpenAPI document, so the two never drift apart.
 */
import { z } from 'zod';
import { AdviceSchema, ReviewSchema } from '../core/advice.ts';
import { EmotionSchema, FlagSchema, StageSchema, StepSchema } from '../core/taxonomy.ts';

/** Case ids the API hands out and accepts back: "api:" and a UUID, or any id it returned. */
const CaseId = z.string().regex(/^[A-Za-z0-9:._-]{1,200}$/, 'a case id as returned in advice.caseId');

export const CoachBodySchema = z
  .strictObject({
    text: z.string().min(1).max(100_000).optional().describe('What the agent would paste: the customer\'s words, a transcript with speaker prefixes, or an e-mail.'),
    turns: z
      .array(z.strictObject({ role: z.enum(['customer', 'agent', 'note']), text: z.string().min(1).max(20_000) }))
      .min(1)
      .max(200)
      .optional()
      .describe('Or the case already split into turns, oldest first.'),
    case_id: CaseId.optional().describe('Continue this case (from a previous advice.caseId); omit to open a new one.'),
  })
  .refine((b) => (b.text === undefined) !== (b.turns === undefined), { message: 'send either text or turns (exactly one)', path: ['text'] });

export const ReviewBodySchema = z.strictObject({
  draft: z.string().min(1).max(20_000).describe('The reply the agent is about to send.'),
  context: z.string().max(20_000).optional().describe('The customer message it answers, if any.'),
});

export const CaseViewSchema = z.object({
  id: z.string(),
  open: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  turns: z.array(
    z.object({
      seq: z.number().int(),
      role: z.enum(['customer', 'agent', 'note']),
      text: z.string().describe('Redacted: personal data was replaced before the turn was stored.'),
      at: z.string(),
      assessment: z.object({ emotion: EmotionSchema, intensity: z.number(), stage: StageSchema, flags: z.array(FlagSchema), step: StepSchema }).optional(),
    }),
  ),
  steps_taken: z.array(StepSchema),
  escalations: z.array(z.object({ reason: z.string(), created_at: z.string(), summary: z.string(), acknowledged_by: z.string().optional(), acknowledged_at: z.string().optional() })),
});
export type CaseView = z.infer<typeof CaseViewSchema>;

export const ErrorSchema = z.object({
  error: z.string().describe('A stable code: invalid_request, invalid_json, input_empty, rate_limited, not_found, unauthorized, ...'),
  message: z.string(),
  field: z.string().optional().describe('The request field that is wrong, as a dotted path.'),
});

export { AdviceSchema, ReviewSchema };

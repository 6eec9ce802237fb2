/**
 * What the model returns (structured outputs). Strict objects, every field required: the
 * shape OpenAI's strict JSON-schema mode accepts and compatible servers (vLLM, Ollama) can
 * enforce. Ids come from the taxonomy only; anything else fails the parse and the offline
 * advice stands.
 */
import { z } from 'zod';
import { EmotionSchema, FlagSchema, StageSchema, StepSchema } from '../taxonomy.ts';

/** Long enough for two calm sentences; longer wordings are not what an agent can paste mid-case. */
export const MAX_WORDING_CHARS = 320;
export const MIN_WORDING_CHARS = 12;

export const LlmReadingSchema = z.strictObject({
  emotion: EmotionSchema,
  stage: StageSchema,
  flags: z.array(FlagSchema),
  step: StepSchema,
  wordings: z.array(z.string()).min(1).max(3),
});
export type LlmReading = z.infer<typeof LlmReadingSchema>;

/** The JSON schema sent as response_format; built once from the zod schema. */
export const LLM_READING_JSON_SCHEMA = z.toJSONSchema(LlmReadingSchema, { target: 'draft-7' }) as Record<string, unknown>;

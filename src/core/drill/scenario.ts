/**
 * The shape of a drill scenario (prompts/drills/*.yaml): who the simulated customer is, what
 * went wrong, what they secretly want, what calms and inflames them, which remedies count,
 * and their lines for every mood and stage. Validated at start like the playbook.
 */
import { z } from 'zod';
import { BehaviourSchema, STAGES, type Stage } from '../taxonomy.ts';

/** How heated the simulated customer is, from the heat number (mood.ts holds the bands). */
export const MOODS = ['furious', 'angry', 'upset', 'calm'] as const;
export type Mood = (typeof MOODS)[number];

export const DIFFICULTIES = ['easy', 'normal', 'hard'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

/** The scorecard's skills, in the order a conversation needs them. */
export const SKILLS = ['listening', 'empathy', 'apology', 'objectivity', 'diagnosis', 'resolution', 'confirmation', 'closing', 'professionalism'] as const;
export type Skill = (typeof SKILLS)[number];

const text = z.string().trim().min(1);
/** A customer line: one chat message, no stage directions or blanks to fill. */
const line = text
  .max(280)
  .refine((s) => !/\{|\}|_{2,}|\.\.\.\.|\[[^\]]*\]|\bTODO\b/.test(s), 'must be a finished line: no {slots}, [directions], blanks or TODO');
const lines = (min: number) => z.array(line).min(min);
const byMood = z.strictObject({ furious: lines(2), angry: lines(2), upset: lines(2), calm: lines(2) });

export const ScenarioSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a slug such as late-delivery'),
  title: text.max(80),
  industry: text.max(60),
  /** One line for `drill list`. */
  summary: text.max(200),
  persona: z.strictObject({
    name: text.max(40),
    about: text.max(400),
    /** Swears at the agent: the drill rewards a calm boundary. */
    abusive: z.boolean().default(false),
    /** Asks for a manager from the start. */
    wants_manager: z.boolean().default(false),
  }),
  /** What the agent can see on their screen: given at the start of the drill. */
  situation: text.max(700),
  /** Hidden until the agent asks what outcome the customer wants. */
  ideal_outcome: text.max(240),
  /** The customer saying what they want, when asked. */
  reveal: lines(2),
  /** Skills this scenario exercises most: `drill stats` suggests it to someone weak in them. */
  practises: z.array(z.enum(SKILLS)).min(1),
  /** Behaviours (taxonomy §5) that move this persona more than most people, and why. */
  calms: z.array(z.strictObject({ behaviour: BehaviourSchema, why: text.max(200) })).min(1),
  inflames: z.array(z.strictObject({ behaviour: BehaviourSchema, why: text.max(200) })).min(1),
  /**
   * Remedies the customer can accept. `cues` is a phrase pattern (the lexicon syntax of
   * src/core/text/phrase-matcher.ts) found in an agent reply that offers it; every example
   * must match it, which the loader checks.
   */
  resolutions: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
        quality: z.enum(['ideal', 'acceptable', 'partial']),
        description: text.max(200),
        cues: text,
        examples: z.array(text).min(2),
      }),
    )
    .min(2),
  openings: z.strictObject({ easy: lines(2), normal: lines(2), hard: lines(2) }),
  lines: z.strictObject(Object.fromEntries(STAGES.map((s) => [s, byMood])) as Record<Stage, typeof byMood>),
  endings: z.strictObject({ walkout: lines(2), manager: lines(2), resolved: lines(2) }),
});
export type Scenario = z.infer<typeof ScenarioSchema>;
export type Resolution = Scenario['resolutions'][number];

/** Cross-field rules the schema cannot say; each problem names its field. */
export function checkScenario(s: Scenario): string[] {
  const problems: string[] = [];
  if (!s.resolutions.some((r) => r.quality === 'ideal')) problems.push('resolutions: at least one must be "ideal"');
  const ids = new Set<string>();
  for (const r of s.resolutions) {
    if (ids.has(r.id)) problems.push(`resolutions: "${r.id}" appears twice`);
    ids.add(r.id);
  }
  // A repeated line would break "never the same line twice in a drill".
  const seen = new Map<string, string>();
  const visit = (path: string, ls: readonly string[]) =>
    ls.forEach((l, i) => {
      const key = l.toLowerCase();
      const first = seen.get(key);
      if (first) problems.push(`${path}.${i}: the same line as ${first}`);
      else seen.set(key, `${path}.${i}`);
    });
  visit('reveal', s.reveal);
  for (const [d, ls] of Object.entries(s.openings)) visit(`openings.${d}`, ls);
  for (const [st, moods] of Object.entries(s.lines)) for (const [m, ls] of Object.entries(moods)) visit(`lines.${st}.${m}`, ls);
  for (const [e, ls] of Object.entries(s.endings)) visit(`endings.${e}`, ls);
  return problems;
}

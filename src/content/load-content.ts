/**
 * Reads and validates everything in prompts/ once, at start. Every problem in every file
 * is reported together, each with its path and field, so one run shows all there is to fix.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { contentKey, readSnapshot, writeSnapshot } from './content-snapshot.ts';
import { parseYaml } from './yaml.ts';
import type { z } from 'zod';
import { ContentError } from '../core/errors.ts';
import {
  BehaviourLexiconSchema,
  CONTENT_FILES,
  type Content,
  EmotionLexiconSchema,
  FlagLexiconSchema,
  GuidanceCatalogSchema,
  LinearModelSchema,
  NarrationSchema,
  PlaybookStepSchema,
  type PlaybookStep,
  SelfCareSchema,
  SignalsSchema,
  SlotLexiconSchema,
  StageLexiconSchema,
} from '../core/content/schema.ts';
import { checkLexicons, checkStep } from '../core/content/check-content.ts';
import { BEHAVIOURS, EMOTIONS, STAGES, STEPS, type Step } from '../core/taxonomy.ts';
import { LEARNED_FLAGS, URGENCY } from '../core/analysis/learned.ts';

export const DEFAULT_PROMPTS_DIR = new URL('../../prompts/', import.meta.url).pathname;

class Collector {
  readonly problems: { file: string; message: string }[] = [];
  private readonly root: string;
  constructor(root: string) {
    this.root = root;
  }

  read<S extends z.ZodType>(rel: string, schema: S): z.infer<S> | undefined {
    const path = join(this.root, rel);
    let raw: unknown;
    try {
      const source = readFileSync(path, 'utf8');
      // Trained models are large JSON: JSON.parse reads them far faster than a YAML parser.
      raw = rel.endsWith('.json') ? JSON.parse(source) : parseYaml(source, { uniqueKeys: true });
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file is missing' : (err as Error).message.split('\n')[0];
      this.problems.push({ file: rel, message: why ?? 'unreadable' });
      return undefined;
    }
    const result = schema.safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
        this.problems.push({ file: rel, message: `${field}: ${issue.message}` });
      }
      return undefined;
    }
    return result.data;
  }
}

/**
 * Loads prompts/ (or another directory with the same layout). Throws ContentError listing
 * every problem. Content that passed validation before, byte for byte, is read from its
 * snapshot (content-snapshot.ts).
 */
export function loadContent(dir: string = DEFAULT_PROMPTS_DIR, options: { models?: boolean } = {}): Content {
  const withModels = options.models ?? true;
  const key = contentKey(dir, withModels ? 'models' : 'no-models');
  const snapshot = key === undefined ? undefined : readSnapshot(key);
  if (snapshot) return snapshot;
  const content = validateContent(dir, withModels);
  if (key !== undefined) writeSnapshot(key, content);
  return content;
}

function validateContent(dir: string, withModels: boolean): Content {
  const c = new Collector(dir);
  const guidance = c.read(CONTENT_FILES.guidance, GuidanceCatalogSchema);
  const playbook = new Map<Step, PlaybookStep>();
  const playbookDir = join(dir, 'playbook');
  let files: string[] = [];
  try {
    files = readdirSync(playbookDir).filter((f) => f.endsWith('.yaml')).sort();
  } catch {
    c.problems.push({ file: 'playbook/', message: 'directory is missing' });
  }
  for (const f of files) {
    const step = c.read(join('playbook', f), PlaybookStepSchema);
    if (!step) continue;
    if (`${step.id}.yaml` !== f) c.problems.push({ file: `playbook/${f}`, message: `id: "${step.id}" does not match the file name` });
    c.problems.push(...checkStep(step, guidance));
    playbook.set(step.id, step);
  }
  for (const s of STEPS) {
    if (files.length > 0 && !files.includes(`${s}.yaml`)) c.problems.push({ file: `playbook/${s}.yaml`, message: 'file is missing' });
  }
  const parts = {
    selfCare: c.read(CONTENT_FILES.selfCare, SelfCareSchema),
    emotion: c.read(CONTENT_FILES.emotion, EmotionLexiconSchema),
    stage: c.read(CONTENT_FILES.stage, StageLexiconSchema),
    flags: c.read(CONTENT_FILES.flags, FlagLexiconSchema),
    behaviours: c.read(CONTENT_FILES.behaviours, BehaviourLexiconSchema),
    signals: c.read(CONTENT_FILES.signals, SignalsSchema),
    narration: c.read(CONTENT_FILES.narration, NarrationSchema),
    slots: c.read(CONTENT_FILES.slots, SlotLexiconSchema),
    emotionModel: withModels ? c.read(CONTENT_FILES.emotionModel, LinearModelSchema(EMOTIONS)) : undefined,
    stageModel: withModels ? c.read(CONTENT_FILES.stageModel, LinearModelSchema(STAGES)) : undefined,
    behaviourModel: withModels ? c.read(CONTENT_FILES.behaviourModel, LinearModelSchema(BEHAVIOURS)) : undefined,
    urgencyModel: withModels ? c.read(CONTENT_FILES.urgencyModel, LinearModelSchema(URGENCY)) : undefined,
    flagModel: withModels ? c.read(CONTENT_FILES.flagModel, LinearModelSchema(LEARNED_FLAGS)) : undefined,
  };
  const lexiconsRead = parts.emotion && parts.stage && parts.flags && parts.behaviours && parts.signals && parts.narration && parts.slots;
  if (lexiconsRead) {
    c.problems.push(...checkLexicons({ ...parts, guidance: [], playbook: new Map(), selfCare: [] } as unknown as Content));
  }
  if (c.problems.length === 0) {
    const content: Content = {
      guidance: guidance!,
      playbook,
      selfCare: parts.selfCare!.lines,
      emotion: parts.emotion!,
      stage: parts.stage!,
      flags: parts.flags!,
      behaviours: parts.behaviours!,
      signals: parts.signals!,
      narration: parts.narration!,
      slots: parts.slots!,
      ...(withModels
        ? { models: { emotion: parts.emotionModel!, stage: parts.stageModel!, behaviours: parts.behaviourModel!, urgency: parts.urgencyModel!, flags: parts.flagModel! } }
        : {}),
    };
    return content;
  }
  const list = c.problems.map((p) => `  ${relative(process.cwd(), join(dir, p.file)) || p.file}: ${p.message}`);
  throw new ContentError(relative(process.cwd(), dir) || dir, [`${c.problems.length} problem(s) in the content:\n${list.join('\n')}`]);
}

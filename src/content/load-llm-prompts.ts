/**
 * Reads prompts/llm: the coaching system prompt and the drill customer's (each with its
 * version in a front-matter line) and the worked examples. Validated at start whenever the
 * LLM mode is on, every problem listed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from './yaml.ts';
import { z } from 'zod';
import { LlmReadingSchema } from '../core/llm/llm-reading.ts';
import type { LlmPrompts } from '../core/llm/prompt.ts';
import { ContentError } from '../core/errors.ts';
import { DEFAULT_PROMPTS_DIR } from './load-content.ts';

const ExamplesSchema = z.array(z.strictObject({ case: z.string().trim().min(1), answer: LlmReadingSchema })).min(1);
const FRONT_MATTER = /^---\nversion: *(\S+)\n---\n/;

export function loadLlmPrompts(dir: string = DEFAULT_PROMPTS_DIR): LlmPrompts {
  const problems: string[] = [];
  const read = (rel: string): string | undefined => {
    try {
      return readFileSync(join(dir, 'llm', rel), 'utf8');
    } catch (err) {
      problems.push(`llm/${rel}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file is missing' : (err as Error).message}`);
      return undefined;
    }
  };
  const prompt = (rel: string): { version: string; text: string } => {
    const file = read(rel);
    if (file === undefined) return { version: '', text: '' };
    const m = FRONT_MATTER.exec(file);
    if (!m) {
      problems.push(`llm/${rel}: must start with a front matter "---\\nversion: N\\n---"`);
      return { version: '', text: '' };
    }
    const text = file.slice(m[0].length).trim();
    if (text === '') problems.push(`llm/${rel}: the prompt is empty`);
    return { version: m[1]!, text };
  };
  const system = prompt('system.md');
  const drill = prompt('drill-customer.md');

  const examplesFile = read('examples.yaml');
  let examples: LlmPrompts['examples'] = [];
  if (examplesFile !== undefined) {
    let raw: unknown;
    try {
      raw = parseYaml(examplesFile);
    } catch (err) {
      problems.push(`llm/examples.yaml: ${(err as Error).message.split('\n')[0]}`);
    }
    const r = ExamplesSchema.safeParse(raw);
    if (r.success) examples = r.data;
    else if (raw !== undefined) for (const i of r.error.issues) problems.push(`llm/examples.yaml: ${i.path.join('.') || '(top level)'}: ${i.message}`);
  }
  if (problems.length > 0) throw new ContentError('prompts/llm', problems);
  return { version: system.version, system: system.text, examples, drillCustomer: { version: drill.version, system: drill.text } };
}

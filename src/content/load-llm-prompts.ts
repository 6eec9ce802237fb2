/**
 * Reads prompts/llm: the system prompt (with its version in a front-matter line) and the
 * worked examples. Validated at start whenever the LLM mode is on, every problem listed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
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
  const systemFile = read('system.md');
  const m = systemFile ? FRONT_MATTER.exec(systemFile) : null;
  if (systemFile !== undefined && !m) problems.push('llm/system.md: must start with a front matter "---\\nversion: N\\n---"');
  const system = systemFile && m ? systemFile.slice(m[0].length).trim() : '';
  if (systemFile !== undefined && m && system === '') problems.push('llm/system.md: the prompt is empty');

  const examplesFile = read('examples.yaml');
  let examples: LlmPrompts['examples'] = [];
  if (examplesFile !== undefined) {
    let raw: unknown;
    try {
      raw = parse(examplesFile);
    } catch (err) {
      problems.push(`llm/examples.yaml: ${(err as Error).message.split('\n')[0]}`);
    }
    const r = ExamplesSchema.safeParse(raw);
    if (r.success) examples = r.data;
    else if (raw !== undefined) for (const i of r.error.issues) problems.push(`llm/examples.yaml: ${i.path.join('.') || '(top level)'}: ${i.message}`);
  }
  if (problems.length > 0) throw new ContentError('prompts/llm', problems);
  return { version: m![1]!, system, examples };
}

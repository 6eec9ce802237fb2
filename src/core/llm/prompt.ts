/**
 * The messages sent to the model. Everything that is the same for every case (instructions,
 * step definitions from the playbook, examples) comes first, in one system message, so servers
 * that cache prompt prefixes reuse it; the case and the offline reading follow.
 */
import type { Advice } from '../advice.ts';
import type { Turn } from '../case.ts';
import type { Content } from '../content/schema.ts';
import { STEPS } from '../taxonomy.ts';
import type { LlmReading } from './llm-reading.ts';

export interface LlmPrompts {
  version: string;
  system: string;
  examples: { case: string; answer: LlmReading }[];
  /** The drill customer's instructions (prompts/llm/drill-customer.md). */
  drillCustomer: { version: string; system: string };
}

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

const SPEAKER: Record<Turn['role'], string> = { customer: 'Customer', agent: 'Agent', note: 'Agent note' };

/** The static prefix: built once per loaded content. */
export function staticPrefix(prompts: LlmPrompts, content: Content): string {
  const steps = STEPS.map((id) => {
    const s = content.playbook.get(id)!;
    return `- ${id}: ${s.title}. Goal: ${s.goal} When: ${s.when}`;
  }).join('\n');
  const examples = prompts.examples
    .map((e, i) => `Example ${i + 1}\nCase:\n${e.case.trim()}\nAnswer:\n${JSON.stringify(e.answer)}`)
    .join('\n\n');
  return `${prompts.system.trim()}\n\nThe playbook steps (use these ids only):\n${steps}\n\n${examples}`;
}

export function caseMessage(turns: readonly Turn[], offline: Advice): string {
  const transcript = turns.map((t) => `${SPEAKER[t.role]}: ${t.text}`).join('\n');
  const reading = { emotion: offline.emotion, stage: offline.stage, flags: offline.flags, step: offline.step };
  return `Case (oldest first):\n${transcript}\n\nOffline reading: ${JSON.stringify(reading)}`;
}

export function buildMessages(prefix: string, turns: readonly Turn[], offline: Advice): ChatMessage[] {
  return [
    { role: 'system', content: prefix },
    { role: 'user', content: caseMessage(turns, offline) },
  ];
}

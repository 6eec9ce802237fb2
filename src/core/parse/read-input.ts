/** Turns a request (pasted text, or turns already split by role) into sanitised turns. */
import type { Turn } from '../case.ts';
import type { Lexicons } from '../analysis/lexicon.ts';
import { InputError } from '../errors.ts';
import { sanitizeText } from '../text/sanitize.ts';
import { parseInput } from './parse-input.ts';

export function readInput(lex: Lexicons, req: { text?: string | undefined; turns?: readonly Turn[] | undefined }): { turns: Turn[]; notices: string[] } {
  if (req.turns && req.turns.length > 0) {
    const notices: string[] = [];
    const turns = req.turns.map((t) => {
      const s = sanitizeText(t.text);
      notices.push(...s.notices);
      return { ...t, text: s.text };
    });
    return { turns, notices };
  }
  if (req.text === undefined) throw new InputError('input_empty', 'There is nothing to read yet. Paste what the customer said, or a transcript.');
  const s = sanitizeText(req.text);
  const parsed = parseInput(lex, s.text);
  return { turns: parsed.turns, notices: [...s.notices, ...parsed.notices] };
}

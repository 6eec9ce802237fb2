/**
 * Rules that span files: every source names a catalogued article and heading, every slot
 * is one the composer can fill, and every lexicon pattern compiles.
 */
import { PatternSyntaxError } from '../text/phrase-matcher.ts';
import { compileLexicons } from '../analysis/lexicon.ts';
import { SLOTS, type Content, type GuidanceCatalog, type PlaybookStep } from './schema.ts';

export interface ContentProblem {
  file: string;
  message: string;
}

const SLOT_RE = /\{([a-z_]+)\}/g;

export function slotsOf(text: string): string[] {
  return [...text.matchAll(SLOT_RE)].map((m) => m[1]!);
}

/** Rules for one playbook step; `guidance` is undefined when guidance.yaml itself is broken. */
export function checkStep(step: PlaybookStep, guidance: GuidanceCatalog | undefined): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const file = `playbook/${step.id}.yaml`;
  if (guidance) {
    const headings = new Map(guidance.map((g) => [g.file, new Set(g.sections.map((s) => s.heading))]));
    step.sources.forEach((src, i) => {
      const known = headings.get(src.file);
      if (!known) problems.push({ file, message: `sources.${i}.file: "${src.file}" is not in guidance.yaml` });
      else if (!known.has(src.section)) problems.push({ file, message: `sources.${i}.section: "${src.section}" is not a heading of ${src.file} in guidance.yaml` });
    });
  }
  let plain = 0;
  step.wordings.forEach((w, i) => {
    const slots = slotsOf(w.text);
    for (const s of slots) {
      if (!(SLOTS as readonly string[]).includes(s)) problems.push({ file, message: `wordings.${i}.text: unknown slot {${s}} (known: ${SLOTS.join(', ')})` });
    }
    if (slots.length === 0 && !w.emotions && !w.situations) plain++;
  });
  // Slots may be unfillable and emotion filters may exclude: three plain lines always remain.
  if (plain < 3) problems.push({ file, message: `wordings: needs at least 3 wordings with no slot, no emotion and no situation (has ${plain})` });
  return problems;
}

/** Every lexicon pattern compiles; a failure names the file and the key. */
export function checkLexicons(content: Content): ContentProblem[] {
  try {
    compileLexicons(content);
    return [];
  } catch (err) {
    if (err instanceof LexiconError) return [{ file: err.file, message: err.message }];
    throw err;
  }
}

export class LexiconError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.file = file;
  }
}

/** Wraps a pattern compile failure with the file and key it came from. */
export function withPatternContext<T>(file: string, key: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof PatternSyntaxError) throw new LexiconError(file, `${key}: ${err.message}`);
    throw err;
  }
}

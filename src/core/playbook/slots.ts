/** Fills the wording slots ({issue}, {deadline}, {remedy}) from the customer's own words. */
import type { CaseReading } from '../analysis/analyse-case.ts';
import type { Lexicons } from '../analysis/lexicon.ts';
import type { Content, Slot } from '../content/schema.ts';
import { tokenize } from '../text/tokens.ts';

const DAY = /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/gi;
/** Deadline cues that read well after "…": "by Friday", "today", "before tonight". */
const DEADLINE_FORM = /^(by|before|within|in|today|tonight|tomorrow|this (morning|afternoon|evening)|first thing)\b/i;

export type SlotValues = Partial<Record<Slot, string>>;

export function fillSlots(lex: Lexicons, content: Content, r: CaseReading): SlotValues {
  const values: SlotValues = {};
  // Latest turn first: the current problem is what the wording should name.
  const texts = [...r.customer].reverse().map((c) => c.text);
  for (const text of texts) {
    const tokens = tokenize(text);
    if (!values.issue) {
      const m = lex.issue.match(tokens).sort((a, b) => Number(a.entry.label) - Number(b.entry.label))[0];
      if (m) values.issue = content.slots.issue[Number(m.entry.label)]![1];
    }
    if (!values.remedy) {
      const m = lex.remedy.match(tokens).sort((a, b) => Number(a.entry.label) - Number(b.entry.label))[0];
      if (m) values.remedy = content.slots.remedy[Number(m.entry.label)]![1];
    }
  }
  for (const c of [...r.customer].reverse()) {
    const cue = c.flags.get('urgent')?.find((x) => DEADLINE_FORM.test(x.text) && x.text.length <= 30);
    if (cue) {
      values.deadline = cue.text.toLowerCase().replace(DAY, (d) => d[0]!.toUpperCase() + d.slice(1));
      break;
    }
  }
  return values;
}

const SLOT = /\{([a-z_]+)\}/g;

/** The wording with its slots filled, or undefined when a slot has no value. */
export function fillWording(text: string, values: SlotValues): string | undefined {
  let missing = false;
  const out = text.replace(SLOT, (_m, name: string) => {
    const v = values[name as Slot];
    if (v === undefined) missing = true;
    return v ?? '';
  });
  if (missing) return undefined;
  // A slot at the start of a sentence needs a capital ("Your delivery is…").
  return out.replace(/(^|[.!?]\s+)([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());
}

/**
 * Turns a step decision into what the agent reads: wordings to use now (rotating within
 * a case, so the same line is never offered twice while others remain), what to avoid,
 * why, and the guidance it rests on.
 */
import type { CaseReading } from '../analysis/analyse-case.ts';
import type { Content, PlaybookStep, Situation } from '../content/schema.ts';
import { situationOf } from '../policy/safety.ts';
import type { Emotion, Step } from '../taxonomy.ts';
import type { Source } from '../advice.ts';
import { fillWording, type SlotValues } from './slots.ts';

export interface Wording {
  id: string;
  text: string;
}

/** Two to three lines: enough to choose, few enough to read under stress. */
const SAY_COUNT = 3;

/**
 * Wordings written for the case's situation fill the answer first (someone in danger or
 * despair should not be offered a line meant for a billing complaint); then one in turn from
 * those for its emotion, those with the case's details filled in, and the rest.
 */
export function wordingsFor(step: PlaybookStep, emotion: Emotion, slots: SlotValues, shown: ReadonlySet<string>, count = SAY_COUNT, situation?: Situation): Wording[] {
  const situational: Wording[] = [];
  const specific: Wording[] = [];
  const slotted: Wording[] = [];
  const general: Wording[] = [];
  step.wordings.forEach((w, i) => {
    if (w.situations && (situation === undefined || !w.situations.includes(situation))) return;
    if (w.emotions && !w.emotions.includes(emotion)) return;
    const text = fillWording(w.text, slots);
    if (text === undefined) return;
    const item = { id: `${step.id}.${i + 1}`, text };
    if (w.situations) situational.push(item);
    else if (w.emotions) specific.push(item);
    else if (text !== w.text) slotted.push(item);
    else general.push(item);
  });
  const pick = (fresh: boolean): Wording[] => {
    const buckets = [specific, slotted, general].map((b) => b.filter((w) => shown.has(w.id) !== fresh));
    const out: Wording[] = situational.filter((w) => shown.has(w.id) !== fresh).slice(0, count);
    for (let round = 0; out.length < count && buckets.some((b) => b.length > round); round++) {
      for (const b of buckets) if (b[round] && out.length < count) out.push(b[round]!);
    }
    return out;
  };
  const fresh = pick(true);
  // Once every line has been shown, start again from the least recent ones.
  return fresh.length >= 2 ? fresh : [...fresh, ...pick(false)].slice(0, count);
}

export function sourcesFor(content: Content, step: PlaybookStep): Source[] {
  return step.sources.map((s) => {
    const article = content.guidance.find((g) => g.file === s.file)!;
    return { file: s.file, title: article.title, section: s.section };
  });
}

function firstSentence(text: string): string {
  const m = /^.*?[.!?](\s|$)/.exec(text);
  return (m ? m[0] : text).trim();
}

export interface Composition {
  stepTitle: string;
  say: Wording[];
  avoid: string[];
  why: string;
  sources: Source[];
}

export function compose(content: Content, step: Step, reason: string, r: CaseReading, slots: SlotValues, shown: ReadonlySet<string>): Composition {
  const def = content.playbook.get(step)!;
  return {
    stepTitle: def.title,
    say: wordingsFor(def, r.emotion, slots, shown, SAY_COUNT, situationOf(r)),
    avoid: def.avoid.slice(0, 3).map((a) => a.text),
    why: `${reason} ${firstSentence(def.rationale)}`,
    sources: sourcesFor(content, def),
  };
}

/** Agents under attack get one short line for themselves. */
export function selfCareLine(content: Content, r: CaseReading): string | null {
  const attacked = r.emotion === 'hostile' || r.flags.includes('abusive_language') || (r.emotion === 'angry' && r.intensity >= 0.75);
  if (!attacked || content.selfCare.length === 0) return null;
  return content.selfCare[r.customer.length % content.selfCare.length]!;
}

/**
 * What an agent's reply does (docs/taxonomy.md §5), with the words that show it.
 * Used for draft review, for reading the agent turns of a case (steps already taken),
 * and for scoring drill replies.
 */
import { BEHAVIOURS, type Behaviour } from '../taxonomy.ts';
import { tokenize, type Token } from '../text/tokens.ts';
import type { Lexicons } from '../analysis/lexicon.ts';

export interface Span {
  text: string;
  start: number;
  end: number;
}

export interface BehaviourFinding {
  id: Behaviour;
  score: number;
  spans: Span[];
}

/** A behaviour is present once its cues add up to one clear phrase. */
const PRESENT = 1.0;

const QUESTION_START = /^(what|which|when|where|how|who|why|could|can|would|will|do|does|did|have|has|is|are|was|were|may|shall|should)$/;

interface Sentence {
  start: number;
  end: number;
  question: boolean;
}

function sentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  const re = /[^.!?\n]+[.!?]*[\s\p{Extended_Pictographic}]*/gu;
  for (const m of text.matchAll(re)) {
    const s = m[0];
    if (s.trim() === '') continue;
    out.push({ start: m.index, end: m.index + s.length, question: s.includes('?') });
  }
  return out;
}

export function detectBehaviours(lex: Lexicons, text: string): BehaviourFinding[] {
  return readBehaviours(lex, text).findings;
}

/** The findings, and the raw cue scores behind them (what the learned layer weighs). */
export interface BehaviourReading {
  findings: BehaviourFinding[];
  scores: ReadonlyMap<Behaviour, number>;
  questions: number;
  spans: ReadonlyMap<Behaviour, Span[]>;
}

export function readBehaviours(lex: Lexicons, text: string): BehaviourReading {
  const tokens = tokenize(text);
  const score = new Map<Behaviour, number>();
  const spans = new Map<Behaviour, Span[]>();
  const hitSentences = new Map<Behaviour, Set<number>>();
  const sents = sentences(text);
  const sentenceOf = (tok: Token) => sents.findIndex((s) => tok.start >= s.start && tok.start < s.end);
  const add = (b: Behaviour, w: number, sp?: Span, sentence?: number) => {
    score.set(b, (score.get(b) ?? 0) + w);
    if (sp && w > 0) spans.set(b, [...(spans.get(b) ?? []), sp]);
    if (sentence !== undefined && w > 0) {
      const set = hitSentences.get(b) ?? new Set<number>();
      set.add(sentence);
      hitSentences.set(b, set);
    }
  };

  for (const m of lex.behaviours.match(tokens)) {
    if (m.negated && m.entry.weight > 0) continue;
    const a = tokens[m.startTok]!;
    const z = tokens[m.endTok - 1]!;
    add(m.entry.label, m.entry.weight, { text: text.slice(a.start, z.end), start: a.start, end: z.end }, sentenceOf(a));
  }

  // Questions: a question that checks the remedy is `check`; another open question that is
  // neither sarcastic nor blaming asks to understand (`ask`).
  sents.forEach((s, i) => {
    if (!s.question) return;
    const first = tokens.find((t) => t.start >= s.start && t.start < s.end);
    if (!first || !QUESTION_START.test(first.norm)) return;
    const inSentence = (b: Behaviour) => hitSentences.get(b)?.has(i) ?? false;
    if (inSentence('check') || inSentence('sarcasm') || inSentence('blame') || inSentence('argue') || inSentence('ask')) return;
    const sp = { text: text.slice(s.start, s.end).trim(), start: s.start, end: s.end };
    // "Does that window work with your schedule?", "Would that settle it?": checking the remedy.
    if (/^(does|do|would|will|is|are|did|have|has|can)$/.test(first.norm) && /\b(work|works|suit|suits|settle|ok|okay|help|helps|sound|fine|able to|happy)\b/i.test(sp.text)) {
      add('check', 1.0, sp, i);
      return;
    }
    add('ask', 0.6, sp, i);
  });

  // A promise of an outcome is not an honest timeline: drop timeline cues in its sentences.
  if ((score.get('overpromise') ?? 0) >= PRESENT) {
    const promised = hitSentences.get('overpromise') ?? new Set();
    const kept = (spans.get('expect') ?? []).filter((sp) => !promised.has(sents.findIndex((s) => sp.start >= s.start && sp.start < s.end)));
    if (kept.length < (spans.get('expect') ?? []).length) {
      score.set('expect', kept.length > 0 ? PRESENT : 0);
      spans.set('expect', kept);
    }
  }

  const present = (b: Behaviour) => (score.get(b) ?? 0) >= PRESENT;
  // Policy is a wall only when nothing else is offered: no remedy, question, handoff or check.
  if (present('policy_wall') && (present('offer') || present('ask') || present('handoff') || present('check'))) {
    score.set('policy_wall', 0);
  }
  // Handing over is its own behaviour; "I'll get my supervisor" is not also an offer.
  if (present('handoff') && present('offer') && (score.get('offer') ?? 0) < 2 * PRESENT) {
    const offerSents = hitSentences.get('offer') ?? new Set();
    const handoffSents = hitSentences.get('handoff') ?? new Set();
    if ([...offerSents].every((s) => handoffSents.has(s))) score.set('offer', 0);
  }

  const out: BehaviourFinding[] = [];
  for (const b of BEHAVIOURS) {
    const s = score.get(b) ?? 0;
    if (s >= PRESENT) out.push({ id: b, score: Math.round(s * 100) / 100, spans: spans.get(b) ?? [] });
  }
  return { findings: out, scores: score, questions: sents.filter((s) => s.question).length, spans };
}

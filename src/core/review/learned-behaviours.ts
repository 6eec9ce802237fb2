/**
 * The learned layer for agent replies: one yes/no logistic per behaviour over the lexicon's
 * cue scores, the rules' own calls and the words, trained by `npm run train` on the tuning
 * drafts. Spans come from the lexicon cues; a behaviour the model finds without a cue shows
 * the draft's words that weighed most for it, as an added flag does, so the agent sees what to
 * rework and never a bare label.
 */
import { replyFeatures, WORD_WEIGHT } from '../analysis/features.ts';
import { compiledLogits, strongestWords, type CompiledModel } from '../analysis/linear-model.ts';
import type { Lexicons } from '../analysis/lexicon.ts';
import type { Behaviour } from '../taxonomy.ts';
import { tokenize } from '../text/tokens.ts';
import { readBehaviours, type BehaviourFinding, type Span } from './detect-behaviours.ts';

/** One logit: a cue-backed behaviour stands unless the model is fairly sure (p < 0.27) it is absent. */
const CUE_MARGIN = 1;

export function decideBehaviours(model: CompiledModel<Behaviour>, lex: Lexicons, text: string): BehaviourFinding[] {
  const r = readBehaviours(lex, text);
  const present = new Set<string>(r.findings.map((f) => f.id));
  const words = tokenize(text);
  const z = compiledLogits(model, replyFeatures(r.scores, present, r.questions), words, WORD_WEIGHT);
  const out: BehaviourFinding[] = [];
  model.labels.forEach((b, j) => {
    // A logit above 0 is a probability above one half; a lexicon cue in the draft lowers the
    // bar, because a phrase a reviewer would point at ("that's not true") is evidence the
    // word weights of a short draft can under-count.
    const bar = present.has(b) ? -CUE_MARGIN : 0;
    if (z[j]! > bar) out.push({ id: b, score: Math.round(z[j]! * 100) / 100, spans: merged(text, r.spans.get(b)) ?? wordSpan(model, lex, text, words, j) });
  });
  return out;
}

/**
 * The cue spans with overlaps joined: several cues of a behaviour often match the same or
 * overlapping words ("It's only", "It's only a", "only a few"), which reads as a stutter; the
 * agent is shown "It's only a few" once. Undefined when there are none.
 */
function merged(text: string, spans: readonly Span[] | undefined): Span[] | undefined {
  if (!spans || spans.length === 0) return undefined;
  const out: Span[] = [];
  for (const sp of [...spans].sort((a, b) => a.start - b.start || b.end - a.end)) {
    const last = out.at(-1);
    if (last && sp.start < last.end) {
      if (sp.end > last.end) out[out.length - 1] = { text: text.slice(last.start, sp.end), start: last.start, end: sp.end };
    } else out.push(sp);
  }
  return out;
}

const LINKING: ReadonlySet<string> = new Set(['and', 'or', 'but', 'so', 'then', 'a', 'an', 'the', 'to', 'of']);

/**
 * The words that weighed most for a behaviour no cue found. Words that alone say nothing
 * ("you", "the": signals.yaml `bare_words`) are no reason, so then no span is shown.
 */
function wordSpan(model: CompiledModel<Behaviour>, lex: Lexicons, text: string, words: ReturnType<typeof tokenize>, j: number): Span[] {
  // A linking or bare word alone ("a") is trimmed below, so it is never chosen as the reason.
  const at = strongestWords(model, words, j, (t) => LINKING.has(t.norm) || lex.bareWords.has(t.norm));
  if (!at) return [];
  // The run is widened by any word that counts for the behaviour at all, so it can start on
  // "and" or end on "that's a"; those add nothing to the reason and are trimmed. A leading "you"
  // or "I" stays: "you may" reads as the reason, "may" does not.
  let { start: from, end: to } = at;
  while (from < to && LINKING.has(words[from]!.norm)) from++;
  while (to > from && lex.bareWords.has(words[to - 1]!.norm)) to--;
  if (from === to) return [];
  const start = words[from]!.start;
  const end = words[to - 1]!.end;
  return [{ text: text.slice(start, end), start, end }];
}

/**
 * The learned layer for agent replies: one yes/no logistic per behaviour over the lexicon's
 * cue scores, the rules' own calls and the words, trained by `npm run train` on the tuning
 * drafts. Spans come from the lexicon cues; a behaviour the model finds without a cue is
 * reported without a span rather than with an invented one.
 */
import { replyFeatures, WORD_WEIGHT } from '../analysis/features.ts';
import { compiledLogits, type CompiledModel } from '../analysis/linear-model.ts';
import type { Lexicons } from '../analysis/lexicon.ts';
import type { Behaviour } from '../taxonomy.ts';
import { tokenize } from '../text/tokens.ts';
import { readBehaviours, type BehaviourFinding } from './detect-behaviours.ts';

/** One logit: a cue-backed behaviour stands unless the model is fairly sure (p < 0.27) it is absent. */
const CUE_MARGIN = 1;

export function decideBehaviours(model: CompiledModel<Behaviour>, lex: Lexicons, text: string): BehaviourFinding[] {
  const r = readBehaviours(lex, text);
  const present = new Set<string>(r.findings.map((f) => f.id));
  const z = compiledLogits(model, replyFeatures(r.scores, present, r.questions), tokenize(text), WORD_WEIGHT);
  const out: BehaviourFinding[] = [];
  model.labels.forEach((b, j) => {
    // A logit above 0 is a probability above one half; a lexicon cue in the draft lowers the
    // bar, because a phrase a reviewer would point at ("that's not true") is evidence the
    // word weights of a short draft can under-count.
    const bar = present.has(b) ? -CUE_MARGIN : 0;
    if (z[j]! > bar) out.push({ id: b, score: Math.round(z[j]! * 100) / 100, spans: r.spans.get(b) ?? [] });
  });
  return out;
}

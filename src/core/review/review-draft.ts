/**
 * Draft review: what an agent's reply does, helpful and harmful (taxonomy §5), the words
 * that show it, and for each harmful behaviour a better wording from the playbook.
 */
import type { Review } from '../advice.ts';
import type { Lexicons } from '../analysis/lexicon.ts';
import { readTurn } from '../analysis/read-turn.ts';
import { readEmotion } from '../analysis/emotion.ts';
import type { Content } from '../content/schema.ts';
import { isHarmful, type Emotion, type HarmfulBehaviour, type Step } from '../taxonomy.ts';
import { sourcesFor, wordingsFor } from '../playbook/compose.ts';
import { detectBehaviours } from './detect-behaviours.ts';
import { decideBehaviours } from './learned-behaviours.ts';

/** The playbook step whose wording repairs each harmful behaviour, and why. */
const REPAIR: Record<HarmfulBehaviour, { step: Step; tip: string }> = {
  blame: { step: 'apologize', tip: 'Take ownership for the company instead of pointing at the customer or a colleague.' },
  argue: { step: 'empathize', tip: 'Acknowledge how they see it before any facts; contradicting them starts a fight.' },
  dismiss: { step: 'empathize', tip: 'Take the problem as seriously as they do; minimising it reads as not caring.' },
  sarcasm: { step: 'apologize', tip: 'Drop the irony: an upset customer hears it as contempt.' },
  overpromise: { step: 'resolve', tip: 'Promise the attempt and an honest timeline, not an outcome you cannot control.' },
  policy_wall: { step: 'resolve', tip: 'If policy limits you, say what you can do instead.' },
  excuse: { step: 'apologize', tip: 'Skip the reasons it is not your fault; own it and move to the fix.' },
};

/** The playbook step that repairs a harmful behaviour (drill scorecards use it too). */
export function repairStep(b: HarmfulBehaviour): Step {
  return REPAIR[b].step;
}

export function reviewDraft(content: Content, lex: Lexicons, draft: string, customerContext?: string): Review {
  const findings = lex.models ? decideBehaviours(lex.models.behaviours, lex, draft) : detectBehaviours(lex, draft);
  let emotion: Emotion = 'frustrated';
  if (customerContext && customerContext.trim() !== '') {
    emotion = readEmotion(readTurn(lex, customerContext, 0)).emotion;
  }
  const out: Review['findings'] = findings.map((f) => {
    if (!isHarmful(f.id)) return { id: f.id, kind: 'helpful' as const, spans: f.spans };
    const repair = REPAIR[f.id];
    const step = content.playbook.get(repair.step)!;
    const better = wordingsFor(step, emotion, {}, new Set(), 1)[0]?.text;
    return {
      id: f.id,
      kind: 'harmful' as const,
      spans: f.spans,
      ...(better ? { better } : {}),
      tip: repair.tip,
      source: sourcesFor(content, step)[0]!,
    };
  });
  const harmful = out.filter((f) => f.kind === 'harmful').map((f) => f.id);
  const helpful = out.filter((f) => f.kind === 'helpful').map((f) => f.id);
  const summary =
    harmful.length > 0
      ? `Rework before sending: ${harmful.join(', ')}.${helpful.length > 0 ? ` Keep: ${helpful.join(', ')}.` : ''}`
      : helpful.length > 0
        ? `Good to send: ${helpful.join(', ')}.`
        : 'Nothing stands out either way; consider acknowledging the feeling and saying what happens next.';
  // Held to ReviewSchema by the tests, as the Advice is (test/core/advice-contract.test.ts).
  return { schema: 'defuse.review/1', behaviours: out.map((f) => f.id), findings: out, summary };
}

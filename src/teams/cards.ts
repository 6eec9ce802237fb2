/**
 * Advice, reviews and supervisor pings as Adaptive Cards 1.5 (what Teams renders): the same
 * content as the Slack blocks. Buttons are Action.Execute (Universal Actions) with an
 * Action.Submit fallback for hosts that lack them; both carry the same `data`.
 */
import type { Advice, Review } from '../core/advice.ts';
import { distinctCues, meter, reasonLabel, trendLine } from '../core/channel/present.ts';
import type { EscalationRecord } from '../core/ports/escalation-store.ts';

export const CARD_VERSION = '1.5';
export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** The verbs of the card buttons, also `data.defuse` of their Action.Submit fallback. */
export const VERBS = {
  another: 'another_wording',
  calmer: 'customer_calmed',
  escalate: 'escalate',
  resolved: 'resolved',
  helpful: 'feedback_helpful',
  notHelpful: 'feedback_not_helpful',
  onIt: 'on_it',
  dismiss: 'dismiss',
} as const;
export type Verb = (typeof VERBS)[keyof typeof VERBS];

export type Card = { type: 'AdaptiveCard'; version: string; body: unknown[]; actions?: unknown[]; $schema: string };
type Element = Record<string, unknown>;

/** Teams caps a card's size (about 28 KB); a text block this long is already too long to read mid-call. */
const MAX_TEXT = 2000;
const clip = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);
/**
 * TextBlocks render a little Markdown; customer words (the cues) must not become links or
 * emphasis, so the characters that start Markdown are escaped.
 */
export const plain = (s: string) => s.replace(/([\\*_[\]`#>~|])/g, '\\$1');

export function text(t: string, extra: Element = {}): Element {
  return { type: 'TextBlock', text: clip(t), wrap: true, ...extra };
}

export function card(body: Element[], actions: Element[] = []): Card {
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: CARD_VERSION, body, ...(actions.length > 0 ? { actions } : {}) };
}

function action(title: string, verb: Verb, caseId: string, style?: 'positive' | 'destructive'): Element {
  const data = { defuse: verb, caseId };
  return {
    type: 'Action.Execute',
    title,
    verb,
    data,
    ...(style ? { style } : {}),
    fallback: { type: 'Action.Submit', title, data },
  };
}

export function adviceCard(a: Advice, caseId: string, options: { compact?: boolean } = {}): Card {
  const flags = a.flags.length > 0 ? ` · ${a.flags.join(', ')}` : '';
  const trend = a.trend.direction ? ` · ${trendLine(a)}` : '';
  const reading = text(`**Customer:** ${a.emotion} ${meter(a.intensity)} ${a.intensity.toFixed(2)}${trend}\n\n**Stage:** ${a.stage}${flags}`);
  const step = text(`Next step: ${plain(a.stepTitle)}`, { weight: 'Bolder', size: 'Medium', spacing: 'Medium' });
  const wording = (w: { text: string }) => ({ type: 'Container', style: 'emphasis', items: [text(plain(w.text))] });
  const supervisor = a.escalate.notify ? [text(`**Supervisor:** ${a.escalate.reasons.map((r) => r.text).join('; ')}`, { color: 'Attention' })] : [];
  const actions = [
    action('Another wording', VERBS.another, caseId),
    action('Customer calmed down', VERBS.calmer, caseId),
    action('Escalate to supervisor', VERBS.escalate, caseId),
    action('Resolved', VERBS.resolved, caseId, 'positive'),
    action('👍', VERBS.helpful, caseId),
    action('👎', VERBS.notHelpful, caseId),
  ];
  if (options.compact) {
    const first = a.say[0];
    return card([reading, step, ...(first ? [wording(first)] : []), ...supervisor], actions);
  }
  const body: Element[] = [reading, step, text(plain(a.why), { isSubtle: true, spacing: 'None' }), ...a.say.map(wording)];
  body.push(text(`**Avoid:** ${a.avoid.map(plain).join(' · ')}`, { size: 'Small' }));
  const cues = distinctCues(a);
  if (cues.length > 0) body.push(text(`**Read from:** ${cues.map((c) => `“${plain(c.text)}” (${c.label})`).join(', ')}`, { size: 'Small' }));
  body.push(text(`**Based on:** ${a.sources.map((s) => `${s.file}, “${plain(s.title)}”, ${plain(s.section)}`).join('; ')}`, { size: 'Small', isSubtle: true }));
  body.push(...supervisor);
  if (a.selfCare) body.push(text(`_${plain(a.selfCare)}_`, { size: 'Small' }));
  for (const n of a.notices) body.push(text(`ℹ️ ${plain(n)}`, { size: 'Small', isSubtle: true }));
  return card(body, actions);
}

export function wordingCard(a: Advice): Card {
  return card([text(`**Another way to say it** (${plain(a.stepTitle)}):`), ...a.say.map((w) => ({ type: 'Container', style: 'emphasis', items: [text(plain(w.text))] }))]);
}

export function reviewCard(r: Review): Card {
  const body: Element[] = [text(`**Draft check:** ${plain(r.summary)}`)];
  for (const f of r.findings) {
    const mark = f.kind === 'harmful' ? '✗' : '✓';
    const spans = f.spans.length > 0 ? `: “${f.spans.map((s) => plain(s.text)).join('”, “')}”` : '';
    body.push(text(`${mark} **${f.id}**${spans}`, { color: f.kind === 'harmful' ? 'Attention' : 'Good' }));
    if (f.tip) body.push(text(plain(f.tip), { size: 'Small', spacing: 'None' }));
    if (f.better) body.push({ type: 'Container', style: 'emphasis', items: [text(plain(f.better))] });
  }
  return card(body);
}

export interface PingFacts {
  caseId: string;
  reasons: EscalationRecord[];
  summary: string;
  /** The agent's display name, when Teams gave one. */
  agent: string | undefined;
  /** A Teams link to the case's conversation, when the supervisor can open it. */
  link?: string | undefined;
  /** The case is in the agent's personal chat with Defuse, which nobody else can open. */
  privateChat?: boolean;
  acknowledgedBy?: string | undefined;
  dismissed?: boolean;
}

export function pingCard(p: PingFacts): Card {
  const agent = p.agent ? ` · agent ${plain(p.agent)}` : '';
  const body: Element[] = [
    text(`🚨 **A case needs a supervisor**${agent}`, { size: 'Medium' }),
    text(p.reasons.map((r) => `- ${reasonLabel(r.reason)}`).join('\n')),
    text(plain(p.summary)),
    text(`Case ${plain(p.caseId)}${p.privateChat ? " · in the agent's private chat with Defuse: reach them directly" : ''}`, { size: 'Small', isSubtle: true }),
  ];
  // The link stays after someone takes the case: that is when the supervisor needs it most.
  const open: Element[] = p.link ? [{ type: 'Action.OpenUrl', title: 'Open the case', url: p.link }] : [];
  if (p.acknowledgedBy) {
    body.push(text(p.dismissed ? `Dismissed by ${plain(p.acknowledgedBy)}` : `✅ ${plain(p.acknowledgedBy)} is on it`, { color: 'Good' }));
    return card(body, open);
  }
  return card(body, [...open, action("I'm on it", VERBS.onIt, p.caseId, 'positive'), action('Dismiss', VERBS.dismiss, p.caseId)]);
}

export function helpCard(lines: string[], steps: { title: string; goal: string }[]): Card {
  return card([
    text('**Defuse** coaches you through a hard customer conversation.', { size: 'Medium' }),
    text(lines.map((l) => `- ${l}`).join('\n')),
    text('**The playbook at a glance**', { spacing: 'Medium' }),
    text(steps.map((s, i) => `${i + 1}. **${plain(s.title)}**: ${plain(s.goal)}`).join('\n')),
  ]);
}

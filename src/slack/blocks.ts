/**
 * Advice, reviews and supervisor pings as Block Kit. Short and calm: an agent reads this
 * mid-call. Customer words appear only as the cues the coach read (already redacted).
 */
import type { types } from '@slack/bolt';
import type { Advice, Review } from '../core/advice.ts';
import { helpLines } from '../core/channel/commands.ts';
import { distinctCues, meter, trendLine } from '../core/channel/present.ts';
import type { CaseSummary } from '../core/ports/case-store.ts';
import type { EscalationRecord } from '../core/ports/escalation-store.ts';

// Slack's limits: a section's text is at most 3,000 characters, a button value 2,000.
const MAX_TEXT = 2900;
const clip = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);
/** Slack mrkdwn treats these three characters as markup; customer text must not inject it. */
export const escapeText = (s: string) => (/[&<>]/.test(s) ? s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : s);

export const ACTIONS = {
  another: 'defuse_another_wording',
  calmer: 'defuse_customer_calmer',
  escalate: 'defuse_escalate',
  resolved: 'defuse_resolved',
  onIt: 'defuse_on_it',
  dismiss: 'defuse_dismiss',
  helpful: 'defuse_feedback_helpful',
  notHelpful: 'defuse_feedback_not_helpful',
} as const;

type Block = types.KnownBlock;

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text) } };
}

export function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clip(text) }] };
}

/** Muted agents (`/defuse mute`) get the essentials: the reading, the step, one wording. */
export function compactAdviceBlocks(a: Advice, caseId: string): Block[] {
  const full = adviceBlocks(a, caseId);
  const first = a.say[0];
  return [
    section(`*${a.emotion}* ${meter(a.intensity)} · ${a.stage} → *${escapeText(a.stepTitle)}*`),
    ...(first ? [section(`>${escapeText(first.text)}`)] : []),
    ...(a.escalate.notify ? [context(`*Supervisor:* ${a.escalate.reasons.map((r) => r.text).join('; ')}`)] : []),
    full[full.length - 1]!,
  ];
}

export function adviceBlocks(a: Advice, caseId: string): Block[] {
  const trend = a.trend.direction ? ` · ${trendLine(a)}` : '';
  const flags = a.flags.length > 0 ? ` · ${a.flags.map((f) => `\`${f}\``).join(' ')}` : '';
  const blocks: Block[] = [
    section(`*Customer:* ${a.emotion} ${meter(a.intensity)} ${a.intensity.toFixed(2)}${trend}\n*Stage:* ${a.stage}${flags}`),
    section(`*Next step: ${escapeText(a.stepTitle)}*\n${escapeText(a.why)}`),
    ...a.say.map((w) => section(`>${escapeText(w.text)}`)),
    context(`*Avoid:* ${a.avoid.map(escapeText).join(' · ')}`),
  ];
  if (a.cues.length > 0) {
    const cues = distinctCues(a);
    blocks.push(context(`*Read from:* ${cues.map((c) => `“${escapeText(c.text)}” (${c.label})`).join(', ')}`));
  }
  blocks.push(context(`*Based on:* ${a.sources.map((s) => `${s.file}, “${escapeText(s.title)}”, ${escapeText(s.section)}`).join('; ')}`));
  if (a.escalate.notify) blocks.push(context(`*Supervisor:* ${a.escalate.reasons.map((r) => r.text).join('; ')}`));
  if (a.selfCare) blocks.push(context(`_${escapeText(a.selfCare)}_`));
  for (const n of a.notices) blocks.push(context(`ℹ️ ${escapeText(n)}`));
  blocks.push({
    type: 'actions',
    block_id: 'defuse_case_actions',
    elements: [
      { type: 'button', action_id: ACTIONS.another, text: { type: 'plain_text', text: 'Another wording' }, value: caseId },
      { type: 'button', action_id: ACTIONS.calmer, text: { type: 'plain_text', text: 'Customer calmed down' }, value: caseId },
      { type: 'button', action_id: ACTIONS.escalate, text: { type: 'plain_text', text: 'Escalate to supervisor' }, value: caseId },
      { type: 'button', action_id: ACTIONS.resolved, text: { type: 'plain_text', text: 'Resolved' }, value: caseId, style: 'primary' },
      { type: 'button', action_id: ACTIONS.helpful, text: { type: 'plain_text', text: '👍' }, value: caseId },
      { type: 'button', action_id: ACTIONS.notHelpful, text: { type: 'plain_text', text: '👎' }, value: caseId },
    ],
  });
  return blocks;
}

/** The App Home: how to use Defuse, the playbook at a glance, the agent's own recent cases. */
export function homeView(steps: { title: string; goal: string }[], recent: CaseSummary[]): types.HomeView {
  const cases =
    recent.length === 0
      ? '_No cases yet. DM me what a customer said to start one._'
      : recent
          .map((c) => {
            const reading = c.latest ? `${c.latest.emotion}, ${c.latest.stage} → ${c.latest.step}` : 'not read yet';
            return `• ${c.open ? '🟢' : '⚪️'} ${reading} · updated ${c.updatedAt.slice(0, 16).replace('T', ' ')} UTC`;
          })
          .join('\n');
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Defuse' } },
      section(HELP_TEXT),
      { type: 'divider' },
      section(`*The playbook at a glance*\n${steps.map((s, i) => `${i + 1}. *${escapeText(s.title)}*: ${escapeText(s.goal)}`).join('\n')}`),
      { type: 'divider' },
      section(`*Your recent cases*\n${cases}`),
      context('Only you see this list. Cases are deleted after the retention period.'),
    ],
  };
}

/**
 * A form field's value as the Web API reads it: JSON text. Passed as an object, the client
 * would serialise it twice per call (once for a debug line it builds even with debug off);
 * a string it sends as it is. Slack's Web API takes blocks and metadata as JSON strings in a
 * form body, so the request is the same; an advice message's blocks are about 2.7 KB, and
 * on the reply path the second serialisation was a measurable share of the CPU per reply.
 * Typed as the value so it fits the client's argument types.
 */
export function preEncoded<T>(value: T): T {
  return JSON.stringify(value) as unknown as T;
}

/** Message metadata other apps and workflows can read (event_type defuse_advice). */
export function adviceMetadata(a: Advice, caseId: string) {
  return {
    event_type: 'defuse_advice',
    event_payload: {
      case_id: caseId,
      emotion: a.emotion,
      intensity: a.intensity,
      trend: a.trend.direction ?? 'none',
      stage: a.stage,
      step: a.step,
      flags: a.flags.join(','),
      source: a.source,
    },
  };
}

export function wordingBlocks(a: Advice): Block[] {
  return [section(`*Another way to say it* (${escapeText(a.stepTitle)}):`), ...a.say.map((w) => section(`>${escapeText(w.text)}`))];
}

export function reviewBlocks(r: Review): Block[] {
  const blocks: Block[] = [section(`*Draft check:* ${escapeText(r.summary)}`)];
  for (const f of r.findings) {
    const mark = f.kind === 'harmful' ? '✗' : '✓';
    const spans = f.spans.length > 0 ? `: “${f.spans.map((s) => escapeText(s.text)).join('”, “')}”` : '';
    const tip = f.tip ? `\n${escapeText(f.tip)}` : '';
    const better = f.better ? `\n>${escapeText(f.better)}` : '';
    blocks.push(section(`${mark} *${f.id}*${spans}${tip}${better}`));
  }
  return blocks;
}

export interface PingFacts {
  caseId: string;
  reasons: EscalationRecord[];
  summary: string;
  permalink: string | undefined;
  agent: string | undefined;
  acknowledgedBy?: string | undefined;
}

export function pingBlocks(p: PingFacts): Block[] {
  const reasons = p.reasons.map((r) => `• ${escapeText(r.reason.replace(/_/g, ' '))}`).join('\n');
  const where = p.permalink ? `<${p.permalink}|Open the case thread>` : 'case thread unavailable';
  const agent = p.agent ? ` · agent <@${p.agent}>` : '';
  const blocks: Block[] = [
    section(`:rotating_light: *A case needs a supervisor*${agent}\n${reasons}`),
    section(escapeText(p.summary)),
    context(`${where} · case \`${escapeText(p.caseId)}\``),
  ];
  if (p.acknowledgedBy) blocks.push(context(`✅ <@${p.acknowledgedBy}> is on it`));
  else {
    blocks.push({
      type: 'actions',
      block_id: 'defuse_ping_actions',
      elements: [
        { type: 'button', action_id: ACTIONS.onIt, text: { type: 'plain_text', text: "I'm on it" }, value: p.caseId, style: 'primary' },
        { type: 'button', action_id: ACTIONS.dismiss, text: { type: 'plain_text', text: 'Dismiss' }, value: p.caseId },
      ],
    });
  }
  return blocks;
}

export const HELP_TEXT = ['*Defuse* coaches you through a hard customer conversation.', ...helpLines('/defuse ', [
    'DM me, or @mention me in a channel, with what the customer said (or a transcript). I answer in the thread; reply in that thread to continue the same case.',
    '`/defuse <what the customer said>`: the same, only you see it.',
  ]).map((l) => `• ${l}`)].join('\n');

/**
 * Teams addresses: what Defuse keeps of a conversation to answer in it later (a case's
 * thread, the supervisor channel), and how a case is named. Only strings, as the case store keeps them.
 */
import type { Activity, ConversationReference } from 'botbuilder';

export interface TeamsAddress {
  [key: string]: string;
  tenant: string;
  conversation: string;
  conversationType: string;
  serviceUrl: string;
  channelId: string;
  bot: string;
  /** The agent: their Entra object id when Teams gives one, else their Teams user id. */
  agent: string;
  /** The agent's display name, for the supervisor's card ('' when Teams gave none). */
  agentName: string;
}

export function tenantOf(a: Partial<Activity>): string {
  const fromChannelData = (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  return a.conversation?.tenantId ?? fromChannelData ?? 'unknown';
}

export function userKey(a: Partial<Activity>): string {
  return a.from?.aadObjectId ?? a.from?.id ?? 'unknown';
}

export function teamIdOf(a: Partial<Activity>): string | undefined {
  return (a.channelData as { team?: { id?: string } } | undefined)?.team?.id;
}

export function addressOf(a: Partial<Activity>, conversationId = a.conversation?.id ?? ''): TeamsAddress {
  return {
    tenant: tenantOf(a),
    conversation: conversationId,
    conversationType: a.conversation?.conversationType ?? 'personal',
    serviceUrl: a.serviceUrl ?? '',
    channelId: a.channelId ?? 'msteams',
    bot: a.recipient?.id ?? '',
    agent: userKey(a),
    agentName: a.from?.name ?? '',
  };
}

export function referenceTo(address: Pick<TeamsAddress, 'tenant' | 'conversation' | 'conversationType' | 'serviceUrl' | 'channelId' | 'bot'>): Partial<ConversationReference> {
  return {
    channelId: address.channelId,
    serviceUrl: address.serviceUrl,
    bot: { id: address.bot, name: 'Defuse' },
    conversation: { id: address.conversation, isGroup: address.conversationType !== 'personal', conversationType: address.conversationType, tenantId: address.tenant, name: '' },
  };
}

/** A Teams channel thread is a conversation id with `;messageid=<root>`; the channel itself has none. */
export function channelRoot(conversationId: string): string {
  const i = conversationId.indexOf(';messageid=');
  return i === -1 ? conversationId : conversationId.slice(0, i);
}

export function threadOf(conversationId: string, rootActivityId: string): string {
  return `${channelRoot(conversationId)};messageid=${rootActivityId}`;
}

/** A case in a channel is its reply chain; in a chat (no threads) it is the chat plus the message that opened it. */
export function channelCaseId(a: Partial<Activity>): string {
  const conv = a.conversation?.id ?? '';
  const thread = conv.includes(';messageid=') ? conv : threadOf(conv, a.id ?? '');
  return `teams:${tenantOf(a)}:${thread}`;
}

export function chatCasePrefix(a: Partial<Activity>): string {
  return `teams:${tenantOf(a)}:${a.conversation?.id ?? ''}#`;
}

/** Text as the agent typed it: without the bot's @mention and the HTML Teams wraps messages in. */
export function messageText(a: Partial<Activity>): string {
  const raw = a.text ?? '';
  return raw
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n')
    .replace(/<\/?[a-z][a-z0-9]*(\s[^>]*)?>/gi, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .trim();
}

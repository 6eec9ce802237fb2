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
  /** Where a supervisor can open the case ('' when they cannot: see caseLink). */
  link: string;
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
    link: '',
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

/** The team's Microsoft 365 group id: Teams' link to a channel message needs it to find the team. */
export function teamGroupOf(a: Partial<Activity>): string | undefined {
  return (a.channelData as { team?: { aadGroupId?: string } } | undefined)?.team?.aadGroupId;
}

const TEAMS_LINK = 'https://teams.microsoft.com/l/message';

/**
 * A link to the case's conversation for the supervisor's ping, or '' where it would not open for
 * them: an agent's personal chat with the bot is visible to nobody else. A channel case links to
 * its reply chain; a group-chat case to the message that opened it (`messageId`).
 */
export function caseLink(where: Pick<TeamsAddress, 'conversation' | 'conversationType' | 'tenant'>, messageId: string, teamGroup?: string): string {
  const enc = encodeURIComponent;
  if (where.conversationType === 'channel') {
    const root = /;messageid=(.+)$/.exec(where.conversation)?.[1];
    if (!root) return '';
    const group = teamGroup ? `&groupId=${enc(teamGroup)}` : '';
    return `${TEAMS_LINK}/${enc(channelRoot(where.conversation))}/${enc(root)}?tenantId=${enc(where.tenant)}${group}&parentMessageId=${enc(root)}`;
  }
  if (where.conversationType === 'groupChat' && messageId !== '') {
    return `${TEAMS_LINK}/${enc(where.conversation)}/${enc(messageId)}?context=${enc('{"contextType":"chat"}')}`;
  }
  return '';
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

/** The message a chat case opened with: chat case ids end in `#<its activity id>` ('' for a channel case). */
export function chatCaseOpening(caseId: string): string {
  const i = caseId.lastIndexOf('#');
  return i === -1 ? '' : caseId.slice(i + 1);
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

/** Speaker prefixes in pasted transcripts ("Customer:", "[10:02] Agent:", "Me:"). */
import type { Role } from '../case.ts';

const CUSTOMER = new Set([
  'customer', 'cust', 'c', 'client', 'caller', 'user', 'guest', 'passenger', 'patient', 'member', 'buyer', 'visitor',
  'consumer', 'tenant', 'shopper', 'subscriber', 'policyholder', 'claimant', 'them', 'cx', 'cus', 'the customer',
]);
const AGENT = new Set([
  'me', 'agent', 'a', 'rep', 'support', 'i', 'csr', 'advisor', 'adviser', 'staff', 'operator', 'you', 'us', 'helpdesk',
  'help desk', 'support agent', 'customer service', 'customer support', 'cs', 'service desk', 'my reply', 'our reply',
]);
/** Labels that look like speakers but are not ("Subject:", "Order:"). */
const NOT_SPEAKERS = new Set([
  'subject', 're', 'fw', 'fwd', 'from', 'to', 'cc', 'bcc', 'date', 'sent', 'note', 'notes', 'ps', 'p.s', 'nb', 'update',
  'edit', 'order', 'ref', 'reference', 'invoice', 'tracking', 'account', 'total', 'price', 'status', 'error', 'time',
  'address', 'phone', 'email', 'tel', 'mobile', 'name', 'context', 'background', 'issue', 'problem', 'question',
  'answer', 'summary', 'step', 'steps', 'option', 'warning', 'ticket', 'case', 'attachment', 'amount', 'balance',
  'due', 'plan', 'product', 'item', 'sku', 'model', 'serial', 'device', 'location', 'result', 'reason', 'example',
  'tip', 'fyi', 'important', 'edit', 'also', 'btw', 'eta', 'http', 'https', 'so', 'ok', 'okay', 'and', 'but', 'then',
]);

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\\.?';
const WEEKDAY = '(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\\.?,?\\s{1,3}';
/**
 * The date chat exports put before the time: "12/08", "22/11/2026,", "2026-11-22", "Nov 22,",
 * "Sat 22 Nov 2026". Without it, "22/11/2026, 14:03 - Customer: …" (a WhatsApp export) was
 * not a prefix at all, and the whole conversation read as one customer message.
 */
const DATE = `(?:\\d{1,4}[/.-]\\d{1,2}(?:[/.-]\\d{2,4})?|(?:${WEEKDAY})?(?:\\d{1,2}(?:st|nd|rd|th)?\\s{1,3}${MONTH}|${MONTH}\\s{1,3}\\d{1,2}(?:st|nd|rd|th)?)(?:,?\\s{1,3}\\d{4})?),?(?:\\s{1,8}|T)`;
const TIME = `\\(?(?:${DATE})?\\d{1,2}[:.]\\d{2}(?::\\d{2})?\\s{0,8}(?:[ap]\\.?m\\.?)?\\)?\\s{0,8}[-–]?\\s{0,8}`;

/**
 * The blanks between the parts of a prefix are bounded (`\s{0,8}`), not `\s*`: runs of `\s*`
 * separated only by optional parts (and the name, which may hold spaces) let the regex try
 * every split of a long run of spaces, cubic in its length: "a" + 1,600 spaces + "b" took 33 s,
 * and one 8,000-character line of that shape would take over an hour, blocking the event loop.
 * Real prefixes never have more than a few blanks between their parts.
 */
const PREFIX = new RegExp(
  `^\\s*(?:\\[[^\\]\\n]{1,25}\\]\\s*|${TIME})?\\**([A-Za-z][A-Za-z .'’-]{0,24}?)\\**\\s{0,8}(?:\\(([^)\\n]{1,20})\\))?\\s{0,8}(?:\\[[^\\]\\n]{1,25}\\])?\\s{0,8}[:：]\\s?(.*)$`,
  'i',
);

export interface PrefixedLine {
  /** Known role, or undefined for a name ("Sarah:") decided later from the others. */
  role: Role | undefined;
  name: string;
  text: string;
}

export function readSpeakerPrefix(line: string): PrefixedLine | undefined {
  const m = PREFIX.exec(line);
  if (!m) return undefined;
  const name = m[1]!.trim().toLowerCase().replace(/[’']/g, "'");
  const tag = m[2]?.trim().toLowerCase();
  const text = m[3] ?? '';
  if (NOT_SPEAKERS.has(name) || /^https?$/.test(name) || name.split(/\s+/).length > 3) return undefined;
  // "10:30 meeting: …" and similar: a lone word after a timestamp is fine, a sentence is not.
  if (/\b(is|was|are|the|said|says|wrote)\b/.test(name)) return undefined;
  const roleOf = (s: string | undefined): Role | undefined =>
    s === undefined ? undefined : CUSTOMER.has(s) ? 'customer' : AGENT.has(s) ? 'agent' : undefined;
  const role = roleOf(tag) ?? roleOf(name);
  return { role, name, text };
}

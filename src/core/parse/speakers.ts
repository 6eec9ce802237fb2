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

const PREFIX =
  /^\s*(?:\[[^\]\n]{1,25}\]\s*|\(?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\)?\s*[-–]?\s*)?\**([A-Za-z][A-Za-z .'’-]{0,24}?)\**\s*(?:\(([^)\n]{1,20})\))?\s*(?:\[[^\]\n]{1,25}\])?\s*[:：]\s?(.*)$/;

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

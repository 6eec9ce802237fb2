/** Speaker prefixes in pasted transcripts ("Customer:", "[10:02] Agent:", "Me:"). */
import type { Role } from '../case.ts';

const CUSTOMER = new Set([
  'customer', 'cust', 'c', 'client', 'caller', 'user', 'guest', 'passenger', 'patient', 'member', 'buyer', 'visitor',
  'consumer', 'tenant', 'shopper', 'subscriber', 'policyholder', 'claimant', 'them', 'cx', 'cus', 'the customer',
  // The people a platform's support desk serves: a chat log of only "Host:" lines (no agent
  // line to contrast with) had no customer at all (extra-bv).
  'host', 'driver', 'seller', 'courier', 'rider', 'landlord', 'creator', 'freelancer', 'merchant', 'vendor',
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
  // The fields of a web or in-app contact form ("Topic: Billing", "Message: I'm disputing…"):
  // two of them read as two names taking turns, and the customer's message became the
  // agent's reply (extra-bj's support forms lost their flags that way).
  'topic', 'category', 'message', 'description', 'details', 'comments', 'comment', 'department', 'type', 'priority',
  'enquiry', 'inquiry', 'request', 'feedback', 'title', 'company', 'rating', 'channel', 'source', 'form', 'query',
  'concern', 'severity', 'urgency', 'membership', 'booking', 'reservation', 'submitted', 'body', 'attachments', 'first name',
  'last name', 'full name', 'customer name', 'customer id', 'order number', 'account number', 'contact reason', 'your message',
]);

/** The numeric date and the clock time that both prefix shapes below read. */
const NUMERIC_DATE = '\\d{1,4}[/.-]\\d{1,2}(?:[/.-]\\d{2,4})?';
const HOURS = '\\d{1,2}[:.]\\d{2}(?::\\d{2})?';
const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\\.?';
const WEEKDAY = '(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\\.?,?\\s{1,3}';
/**
 * The date chat exports put before the time: "12/08", "22/11/2026,", "2026-11-22", "Nov 22,",
 * "Sat 22 Nov 2026". Without it, "22/11/2026, 14:03 - Customer: …" (a WhatsApp export) was
 * not a prefix at all, and the whole conversation read as one customer message.
 */
const DATE = `(?:${NUMERIC_DATE}|(?:${WEEKDAY})?(?:\\d{1,2}(?:st|nd|rd|th)?\\s{1,3}${MONTH}|${MONTH}\\s{1,3}\\d{1,2}(?:st|nd|rd|th)?)(?:,?\\s{1,3}\\d{4})?),?(?:\\s{1,8}|T)`;
const TIME = `\\(?(?:${DATE})?${HOURS}\\s{0,8}(?:[ap]\\.?m\\.?)?\\)?\\s{0,8}[-–]?\\s{0,8}`;

/**
 * The blanks between the parts of a prefix are bounded (`\s{0,8}`), not `\s*`: runs of `\s*`
 * separated only by optional parts (and the name, which may hold spaces) let the regex try
 * every split of a long run of spaces, cubic in its length: "a" + 1,600 spaces + "b" took 33 s,
 * and one 8,000-character line of that shape would take over an hour, blocking the event loop.
 * Real prefixes never have more than a few blanks between their parts.
 */
/** A list bullet or dash some tools put before each line ("- Customer: …", "• Agent: …"). */
const BULLET = '(?:[-•*–·]\\s{1,3})?';
const STAMP = `(?:\\[[^\\]\\n]{1,25}\\]\\s{0,8}|${TIME})?`;
const PREFIX = new RegExp(
  `^\\s*${BULLET}${STAMP}\\**([A-Za-z][A-Za-z .'’-]{0,24}?)\\**\\s{0,8}(?:\\(([^)\\n]{1,20})\\))?\\s{0,8}(?:\\[[^\\]\\n]{1,25}\\])?\\s{0,8}[:：]\\s?(.*)$`,
  'i',
);

/**
 * A role word with a dash or an arrow instead of a colon ("Customer - …", "Agent > …"). Only
 * the role words, never a name: "Update - …" or "Sarah - …" start ordinary sentences.
 */
const LOOSE = new RegExp(`^\\s*${BULLET}${STAMP}\\**([A-Za-z][A-Za-z ]{0,15}?)\\**\\s{0,8}[-–—>»]\\s{1,8}(.*)$`, 'i');

/**
 * A line that only names who speaks, the message on the lines below, as chat tools copy it:
 * "[11:02 AM] Jane Doe", "Jane Doe  11:02 AM", "Customer (11:02)". The time is required: a
 * short line of capitalised words alone is as likely a sign-off.
 */
const NAME = "([A-Z][A-Za-z'’-]{0,20}(?: [A-Z][A-Za-z'’.-]{0,20}){0,3})";
const CLOCK = `(?:${NUMERIC_DATE},?\\s{1,3})?${HOURS}(?:\\s{0,3}[AaPp]\\.?[Mm]\\.?)?`;
// Not 'i': the name's capitals are what tell "Jane Doe 11:02" from "call me at 11:02".
const HEADER = new RegExp(
  `^\\s*(?:\\[${CLOCK}\\]\\s{0,8}${NAME}|\\(?${CLOCK}\\)?\\s{0,8}[-–]?\\s{0,8}${NAME}|${NAME}(?:\\s{0,8}\\(([A-Za-z ]{1,20})\\))?\\s{1,8}[-–,]?\\s{0,8}[[(]?${CLOCK}[\\])]?)\\s*$`,
);
/** Capitalised words that are no speaker before or after a time ("Monday 10:30", "Meeting 11:00"). */
const NOT_HEADERS =
  /^(?:mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|today|tomorrow|yesterday|tonight|meeting|call|appointment|at|from|until|by|on|before|after)\b/;

/**
 * Words customers also open a complaint with ("Support: nobody answers", "Customer service:
 * useless"): as the only speaker in a paste they are the customer's own words, not a prefix.
 */
const AMBIGUOUS = new Set(['support', 'staff', 'you', 'us', 'helpdesk', 'help desk', 'customer service', 'customer support', 'cs', 'service desk', 'operator']);

export interface PrefixedLine {
  /** Known role, or undefined for a name ("Sarah:") decided later from the others. */
  role: Role | undefined;
  name: string;
  text: string;
  /** A role word customers also start a sentence with (AMBIGUOUS). */
  ambiguous?: boolean;
  /** A dash or an arrow instead of a colon (LOOSE): counts only beside other prefixed lines. */
  loose?: boolean;
  /** The line names the speaker only; the message follows on the next lines (HEADER). */
  header?: boolean;
}

const roleOf = (s: string | undefined): Role | undefined =>
  s === undefined ? undefined : CUSTOMER.has(s) ? 'customer' : AGENT.has(s) ? 'agent' : undefined;

const fold = (s: string) => s.trim().toLowerCase().replace(/[’']/g, "'");

export function readSpeakerPrefix(line: string): PrefixedLine | undefined {
  const m = PREFIX.exec(line);
  if (!m) return looseOrHeader(line);
  const name = fold(m[1]!);
  const tag = m[2]?.trim().toLowerCase();
  const text = m[3] ?? '';
  if (NOT_SPEAKERS.has(name) || /^https?$/.test(name) || name.split(/\s+/).length > 3) return undefined;
  // "10:30 meeting: …" and similar: a lone word after a timestamp is fine, a sentence is not.
  if (/\b(is|was|are|the|said|says|wrote)\b/.test(name)) return undefined;
  const tagRole = roleOf(tag);
  return { role: tagRole ?? roleOf(name), name, text, ...(tagRole === undefined && AMBIGUOUS.has(name) ? { ambiguous: true } : {}) };
}

function looseOrHeader(line: string): PrefixedLine | undefined {
  const loose = LOOSE.exec(line);
  if (loose) {
    const name = fold(loose[1]!);
    const role = roleOf(name);
    if (role && !AMBIGUOUS.has(name)) return { role, name, text: loose[2] ?? '', loose: true };
  }
  const h = HEADER.exec(line);
  if (!h) return undefined;
  const name = fold((h[1] ?? h[2] ?? h[3])!);
  if (NOT_SPEAKERS.has(name) || NOT_HEADERS.test(name)) return undefined;
  const role = roleOf(h[4]?.trim().toLowerCase()) ?? roleOf(name);
  return { role, name, text: '', header: true };
}

/**
 * Role words that, capitalised and followed by a colon, mark a new speaker in the middle of a
 * line. Speech-to-text and some call-centre exports run a whole call into one line ("Agent:
 * thanks for calling how can I help Caller: hi my bill is wrong Agent: …"); read as one line, a
 * call the agent opened is all agent and the coach finds no customer words at all. Only
 * unmistakable words: "A:", "C:", "Me:" or "you:" inside a sentence are too often something else.
 */
const RUN_ON_LABELS = ['Customer', 'Cust', 'Caller', 'Client', 'Agent', 'Rep', 'Advisor', 'Adviser', 'CSR', 'Operator'];
const RUN_ON = new RegExp(`\\s(?:${RUN_ON_LABELS.join('|')})\\s?:\\s`, 'g');
/**
 * The same in any case and with more role words, for a paste in which the strict reading found
 * no customer (parse-input.ts): "me: hi how can I help guest: my room was never cleaned".
 */
const LENIENT_LABELS = [...RUN_ON_LABELS, 'guest', 'user', 'passenger', 'patient', 'member', 'buyer', 'shopper', 'tenant', 'subscriber', 'policyholder', 'claimant', 'me'];
/** A role word named in a sentence, not opening a turn: "I told the customer: no refunds". */
const NAMED_IN_PASSING = /\b(?:the|a|an|my|our|your|this|that|told|tell|to|asked|said)$/i;
const LENIENT_RUN_ON = new RegExp(`\\s(?:${LENIENT_LABELS.join('|')})\\s?:\\s`, 'gi');

/**
 * A line that opens with a known speaker, split where another speaker's label follows in the
 * middle of it, but only when some label there names the other side: "Customer: I told your
 * Customer: line" stays one line, a call run together is split into its turns.
 */
export function splitRunOnTurns(line: string, lenient = false): string[] {
  // The cheap test first: nearly every line has no role word inside it.
  let cuts = [...line.matchAll(lenient ? LENIENT_RUN_ON : RUN_ON)].map((m) => m.index!);
  if (lenient) cuts = cuts.filter((at) => !NAMED_IN_PASSING.test(line.slice(Math.max(0, at - 12), at)));
  if (cuts.length === 0) return [line];
  const opening = readSpeakerPrefix(line);
  if (!opening?.role || opening.ambiguous || opening.loose || opening.header) return [line];
  const parts = cuts.map((at, i) => line.slice(at + 1, cuts[i + 1])).map((part) => part.trim());
  const roles = parts.map((part) => readSpeakerPrefix(part)?.role);
  if (!roles.some((r) => r !== undefined && r !== opening.role)) return [line];
  return [line.slice(0, cuts[0]).trimEnd(), ...parts];
}

import { readSpeakerPrefix } from './speakers.ts';

/**
 * Pasted e-mails: headers, greeting, signature and quoted history are not what the
 * customer is saying now. The body is kept; the rest is dropped (and said so).
 */
const HEADER = /^\s*(subject|re|fw|fwd|from|to|cc|bcc|date|sent)\s*:/i;
const GREETING = /^\s*(hi|hello|hey|dear|good (morning|afternoon|evening)|to whom it may concern|greetings|hiya)\b[^.!?\n]{0,50}[,!:.]?\s*$/i;
const SIGN_OFF =
  /^\s*(kind regards|best regards|warm regards|warmest regards|regards|best wishes|best|many thanks|thanks|thank you|thanks again|thanks in advance|cheers|sincerely|yours sincerely|yours faithfully|yours truly|respectfully|with thanks|all the best|sent from my [\w ]+|--|—)[,.!]?\s*$/i;
const DEVICE_LINE = /^\s*sent from my\b/i;
/** A name on its own: one to three capitalised words ("Morven", "D. Price", "Anne-Marie O'Hara"). */
const NAME_LINE = /^\s*\p{Lu}[\p{L}'’.-]*(?: \p{Lu}[\p{L}'’.-]*){0,2}\s*$/u;
/** Any short line ending in a comma above a name ("Please help,", "Speak soon,"): a sign-off too. */
const SHORT_CLOSE = /^\s*[\p{L}'’]+(?: [\p{L}'’]+){0,3},\s*$/u;
// A reply's history may start on a quoted line ("> On 8 June, Arjun wrote:"): everything from
// there down is older than the message on top.
const HISTORY = /^\s*(?:>\s*)*(on .{4,160}wrote:\s*$|-{2,}\s*(original|forwarded) message|_{5,}\s*$|from:\s.+\bsent:|begin forwarded message)/i;

export interface EmailParts {
  body: string;
  isEmail: boolean;
  droppedHistory: boolean;
}

/** A quoted line ("> …"): Slack's quotes and e-mail history alike. */
export const QUOTE = /^\s*>\s?/;

/**
 * 'strong': headers at the top or a reply's history ("On 8 June, Support wrote:") say this is an
 * e-mail, so its quoted lines are older messages. 'weak': only a greeting or a sign-off, which a
 * chat paste can have too, so quoted lines stay (in Slack they are how agents quote customers).
 */
export function emailKind(lines: string[]): 'strong' | 'weak' | undefined {
  const firstContent = lines.findIndex((l) => l.trim() !== '');
  if (firstContent === -1) return undefined;
  const head = lines.slice(firstContent, firstContent + 4);
  if (head.some((l) => HEADER.test(l)) || lines.some((l, i) => i > firstContent && HISTORY.test(l)) || repliedBelow(lines, firstContent) !== -1) return 'strong';
  const hasGreeting = head.some((l) => GREETING.test(l));
  const hasSignOff = lines.slice(-8).some((l) => SIGN_OFF.test(l));
  return (hasGreeting && lines.length >= 3) || (hasSignOff && lines.length >= 4) ? 'weak' : undefined;
}

/**
 * Where the quoted message that an e-mail answers starts, under the new message, or -1. In an
 * e-mail that is surely one, any quoted block below the first words. Otherwise only a block
 * that runs to the end and is not introduced by a line ending in ":" ("she said:"): that is
 * how agents quote a customer, and those words must stay.
 */
function answeredQuote(lines: string[], kind: 'strong' | 'weak'): number {
  const firstText = lines.findIndex((l) => l.trim() !== '' && !QUOTE.test(l) && !HEADER.test(l));
  const quote = firstText === -1 ? -1 : lines.findIndex((l, i) => i > firstText && QUOTE.test(l));
  if (quote === -1 || kind === 'strong') return quote;
  if (lines.slice(quote).some((l) => l.trim() !== '' && !QUOTE.test(l))) return -1;
  const before = lines.slice(0, quote).filter((l) => l.trim() !== '').at(-1) ?? '';
  return before.trim().endsWith(':') ? -1 : quote;
}

/**
 * A reply written under the message it answers: the paste opens with "On …, X wrote:" and its
 * quoted lines, and the new words follow them. Returns the first line after that history, or -1
 * (no such opening, or nothing unquoted after it). A thread pasted in the order it was written
 * looks so (extra-bd), and the old quoted threat is not what the customer says now.
 */
function repliedBelow(lines: string[], firstContent: number): number {
  if (firstContent === -1 || !HISTORY.test(lines[firstContent]!) || QUOTE.test(lines[firstContent]!)) return -1;
  let i = firstContent + 1;
  while (i < lines.length && (lines[i]!.trim() === '' || QUOTE.test(lines[i]!))) i++;
  const quoted = lines.slice(firstContent + 1, i).some((l) => QUOTE.test(l));
  return quoted && i < lines.length ? i : -1;
}

/**
 * The new words written between and under the quoted lines of a reply ("Nothing was updated.
 * I'm going to the Ombudsman." under "> we will update your account"): a reply answered inline,
 * point by point. Only the unquoted lines are kept, up to an unquoted history line ("On …
 * wrote:", "-----Original Message-----"), below which all is older. Returns nothing when the
 * history is not a quoted block or no new words follow it.
 */
function answeredInline(lines: string[], hist: number): string[] {
  if (!QUOTE.test(lines[hist]!)) return [];
  const kept: string[] = [];
  for (let i = hist; i < lines.length; i++) {
    const line = lines[i]!;
    if (QUOTE.test(line)) continue;
    if (HISTORY.test(line) || HEADER.test(line)) break;
    kept.push(line);
  }
  // Runs of blank lines, where quoted lines were, are one paragraph break.
  const text = kept.filter((l, i) => l.trim() !== '' || (i > 0 && kept[i - 1]!.trim() !== ''));
  if (!text.some((l) => l.trim() !== '')) return [];
  return hist > 0 && lines[hist - 1]!.trim() === '' ? text : ['', ...text];
}

/** A speaker's prefix and then a sentence ("Kev: the room had no hot water."): a message, not a signature line. */
function speakerSays(line: string): boolean {
  const p = readSpeakerPrefix(line);
  return p !== undefined && !p.header && !p.loose && /[.?!]\s*$/.test(p.text);
}

/** Keeps the body of an e-mail. Lines are already free of chat markup. */
export function emailBody(lines: string[], kind: 'strong' | 'weak'): EmailParts {
  const below = repliedBelow(lines, lines.findIndex((l) => l.trim() !== ''));
  if (below !== -1) return { ...emailBody(lines.slice(below), kind), droppedHistory: true };
  let end = lines.length;
  let droppedHistory = false;
  let hist = lines.findIndex((l, i) => i > 0 && HISTORY.test(l));
  const quote = answeredQuote(lines, kind);
  if (quote !== -1 && (hist === -1 || quote < hist)) hist = quote;
  if (hist !== -1) {
    end = hist;
    droppedHistory = true;
  }
  let body = [...lines.slice(0, end), ...(hist !== -1 && kind === 'strong' ? answeredInline(lines, hist) : [])];
  // Headers and greeting at the top.
  let start = 0;
  while (start < body.length && (body[start]!.trim() === '' || HEADER.test(body[start]!))) start++;
  if (start < body.length && GREETING.test(body[start]!)) start++;
  body = body.slice(start);
  // Sign-off and the short signature lines after it.
  for (let i = body.length - 1; i >= Math.max(0, body.length - 9); i--) {
    const known = SIGN_OFF.test(body[i]!);
    if (known || SHORT_CLOSE.test(body[i]!)) {
      const tail = body.slice(i + 1).filter((l) => l.trim() !== '');
      // After a comma line that is not a known sign-off, only a name may follow: one to three
      // short lines without a sentence in them ("Anyway,\nwhere is my parcel?" is the message).
      // A speaker's line after "--" ("Kev: ref is BK-77120. The room…") is the next message of a
      // pasted thread, not a signature.
      const signature = known
        ? tail.length <= 5 && tail.every((l) => l.trim().length <= 70 && !speakerSays(l))
        : tail.length >= 1 && tail.length <= 3 && tail.every((l) => l.trim().length <= 40 && !/[.?!]/.test(l));
      if (signature) {
        const device = DEVICE_LINE.test(body[i]!);
        body = body.slice(0, i);
        if (device) {
          // "Morven\nSent from my iPhone": the bare name above a phone's line is the signature too.
          while (body.length > 0 && body.at(-1)!.trim() === '') body.pop();
          if (body.length > 2 && NAME_LINE.test(body.at(-1)!) && body.at(-2)!.trim() === '') body.pop();
        }
        break;
      }
    }
  }
  return { body: body.join('\n').trim(), isEmail: true, droppedHistory };
}

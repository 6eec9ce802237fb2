/**
 * Pasted e-mails: headers, greeting, signature and quoted history are not what the
 * customer is saying now. The body is kept; the rest is dropped (and said so).
 */
const HEADER = /^\s*(subject|re|fw|fwd|from|to|cc|bcc|date|sent)\s*:/i;
const GREETING = /^\s*(hi|hello|hey|dear|good (morning|afternoon|evening)|to whom it may concern|greetings|hiya)\b[^.!?\n]{0,50}[,!:.]?\s*$/i;
const SIGN_OFF =
  /^\s*(kind regards|best regards|warm regards|warmest regards|regards|best wishes|best|many thanks|thanks|thank you|thanks again|thanks in advance|cheers|sincerely|yours sincerely|yours faithfully|yours truly|respectfully|with thanks|all the best|sent from my [\w ]+|--|—)[,.!]?\s*$/i;
const HISTORY = /^\s*(on .{4,160}wrote:\s*$|-{2,}\s*(original|forwarded) message|_{5,}\s*$|from:\s.+\bsent:|begin forwarded message)/i;

export interface EmailParts {
  body: string;
  isEmail: boolean;
  droppedHistory: boolean;
}

export function looksLikeEmail(lines: string[]): boolean {
  const firstContent = lines.findIndex((l) => l.trim() !== '');
  if (firstContent === -1) return false;
  const head = lines.slice(firstContent, firstContent + 4);
  const hasHeader = head.some((l) => HEADER.test(l));
  const hasGreeting = head.some((l) => GREETING.test(l));
  const hasSignOff = lines.slice(-8).some((l) => SIGN_OFF.test(l));
  return hasHeader || (hasGreeting && lines.length >= 3) || (hasSignOff && lines.length >= 4);
}

/** Keeps the body of an e-mail. Lines are already free of chat markup. */
export function emailBody(lines: string[]): EmailParts {
  let end = lines.length;
  let droppedHistory = false;
  const hist = lines.findIndex((l, i) => i > 0 && HISTORY.test(l));
  if (hist !== -1) {
    end = hist;
    droppedHistory = true;
  }
  let body = lines.slice(0, end);
  // Headers and greeting at the top.
  let start = 0;
  while (start < body.length && (body[start]!.trim() === '' || HEADER.test(body[start]!))) start++;
  if (start < body.length && GREETING.test(body[start]!)) start++;
  body = body.slice(start);
  // Sign-off and the short signature lines after it.
  for (let i = body.length - 1; i >= Math.max(0, body.length - 9); i--) {
    if (SIGN_OFF.test(body[i]!)) {
      const tail = body.slice(i + 1).filter((l) => l.trim() !== '');
      if (tail.length <= 5 && tail.every((l) => l.trim().length <= 70)) {
        body = body.slice(0, i);
        break;
      }
    }
  }
  return { body: body.join('\n').trim(), isEmail: true, droppedHistory };
}

/**
 * Removes personal data from customer text before it is stored or leaves the process:
 * e-mail addresses, payment card numbers (Luhn-checked), IBANs (checksum-checked), phone
 * numbers, and national identifiers written in their usual shapes. Each is replaced by a
 * typed placeholder ("[email]", "[card]") so the coach still reads the sentence.
 * Order numbers, amounts, dates, times and short account references are left alone: a
 * false redaction costs the agent context, so every rule needs more than "many digits".
 */
export type RedactionKind = 'email' | 'card' | 'iban' | 'phone' | 'ssn' | 'nino' | 'ip';

export interface Redaction {
  text: string;
  /** How many of each kind were replaced (never what they were). */
  counts: Partial<Record<RedactionKind, number>>;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// 13 to 19 digits, in groups separated by single spaces or dashes ("4111 1111 1111 1111").
const CARD = /(?<![\p{N}\-])(?:\d[ -]?){12,18}\d(?![\p{N}])/gu;
// Two letters, two check digits, then 11 to 30 letters/digits, maybe in groups of four.
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
// US SSN 123-45-6789; UK National Insurance AB 12 34 56 C.
const SSN = /\b\d{3}-\d{2}-\d{4}\b/g;
const NINO = /\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g;
const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g;
/**
 * Phone numbers: an international "+" form, or a national form with the grouping people
 * write ("(555) 123-4567", "555-123-4567", "07700 900123", "020 7946 0958"). A bare run of
 * digits is not enough: it is more often an order or account number.
 */
const PHONE =
  /(?<![\p{L}\p{N}])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,4}|\(\d{3}\) ?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4}|0\d{2,4}[ -]\d{3,4}[ -]?\d{3,4})(?![\p{L}\p{N}])/gu;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function ibanValid(iban: string): boolean {
  const s = iban.replace(/ /g, '').toUpperCase();
  if (s.length < 15 || s.length > 34) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of v) rem = (rem * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

export function redact(text: string): Redaction {
  const counts: Partial<Record<RedactionKind, number>> = {};
  const note = (k: RedactionKind) => {
    counts[k] = (counts[k] ?? 0) + 1;
    return `[${k}]`;
  };
  // Quick exit: nothing to redact in text without "@" or a digit (most chat lines).
  if (!/[@\d]/.test(text)) return { text, counts };
  let out = text.replace(EMAIL, () => note('email'));
  out = out.replace(IBAN, (m) => (ibanValid(m) ? note('iban') : m));
  out = out.replace(CARD, (m) => {
    const digits = m.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) && !/^(\d)\1+$/.test(digits) ? note('card') : m;
  });
  out = out.replace(SSN, () => note('ssn'));
  out = out.replace(NINO, () => note('nino'));
  out = out.replace(IPV4, () => note('ip'));
  out = out.replace(PHONE, (m) => (m.replace(/\D/g, '').length >= 9 ? note('phone') : m));
  return { text: out, counts };
}

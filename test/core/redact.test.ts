import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid, redact } from '../../src/core/privacy/redact.ts';

describe('redacting personal data', () => {
  it('replaces e-mail addresses, cards, IBANs, phone numbers and national ids with typed placeholders', () => {
    const cases: [string, string][] = [
      ['mail me at jane.doe+billing@example.co.uk please', 'mail me at [email] please'],
      ['card 4111 1111 1111 1111 was charged twice', 'card [card] was charged twice'],
      ['my card is 5500-0000-0000-0004', 'my card is [card]'],
      ['IBAN GB82 WEST 1234 5698 7654 32 is mine', 'IBAN [iban] is mine'],
      ['pay to DE89370400440532013000 today', 'pay to [iban] today'],
      ['call me on +44 7700 900123 after 5', 'call me on [phone] after 5'],
      ['my number is (555) 123-4567', 'my number is [phone]'],
      ['ring 555-123-4567 or 020 7946 0958', 'ring [phone] or [phone]'],
      ['SSN 123-45-6789 on file', 'SSN [ssn] on file'],
      ['NI number AB 12 34 56 C', 'NI number [nino]'],
      ['logged in from 192.168.10.24 yesterday', 'logged in from [ip] yesterday'],
    ];
    for (const [input, expected] of cases) expect(redact(input).text, input).toBe(expected);
    expect(redact('a@b.io and c@d.io, card 4111111111111111').counts).toEqual({ email: 2, card: 1 });
  });

  it('leaves order numbers, amounts, dates, times and references alone', () => {
    const kept = [
      'order #48213 arrived broken',
      'order 1234567890123 is late',
      'I was charged $1,299.99 on 12/03/2024 at 14:30',
      'tracking number 1Z999AA10123456784',
      'account 4410-223, ticket 55812',
      'invoice nr 22817 for 3 seats',
      'version 2.4.1 of the app',
      'my flight is BA 2490 at 07:15 on the 14th',
      'reference 4111 1111 1111 1112 (fails the Luhn check)',
      'GB00 1234 5678 9012 3456 78 is not a valid IBAN',
      'call back between 9 and 12 on 0800',
    ];
    for (const text of kept) expect(redact(text).text, text).toBe(text);
  });

  it('checks card and IBAN checksums', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('GB82WEST12345698765433')).toBe(false);
  });
});

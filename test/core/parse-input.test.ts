import { describe, expect, it } from 'vitest';
import { parseInput } from '../../src/core/parse/parse-input.ts';
import { testEngine } from '../helpers/engine.ts';

const parse = (text: string) => parseInput(testEngine().lexicons, text);
const roles = (text: string) => parse(text).turns.map((t) => t.role);

describe('reading what agents paste', () => {
  it('takes a plain message as one customer turn', () => {
    const p = parse('My order never arrived and nobody answers the phone.');
    expect(p.turns).toEqual([{ role: 'customer', text: 'My order never arrived and nobody answers the phone.' }]);
  });

  it('splits a transcript by speaker prefixes, with timestamps and multi-line turns', () => {
    const p = parse('[10:02] Customer: hi, my bill is wrong\n[10:03] Agent: Sorry! Which month?\nCust: March.\nthe one with the late fee\nMe: Thanks, checking now');
    expect(p.turns.map((t) => t.role)).toEqual(['customer', 'agent', 'customer', 'agent']);
    expect(p.turns[2]!.text).toBe('March.\nthe one with the late fee');
  });

  it('splits chat exports that put a date before the time', () => {
    const exports = [
      '12/08 22:11 Customer: third time I have called\n12/08 22:12 Agent: sorry about that\n12/08 22:13 Customer: just fix it',
      '22/11/2026, 14:03 - Customer: third time I have called\n22/11/2026, 14:04 - Agent: sorry about that\n22/11/2026, 14:05 - Customer: just fix it',
      '2026-11-22T14:03:11 Customer: third time I have called\n2026-11-22 14:04:02 Agent: sorry about that\n2026-11-22 14:05:40 Customer: just fix it',
      'Nov 22, 2:03 PM - Customer: third time I have called\nNov 22, 2:04 PM - Agent: sorry about that\nNov 22, 2:05 PM - Customer: just fix it',
      'Sat 22 Nov 2026 14:03 Customer: third time I have called\nSat 22 Nov 2026 14:04 Agent: sorry about that\nSat 22 Nov 2026 14:05 Customer: just fix it',
    ];
    for (const text of exports) {
      const p = parse(text);
      expect(p.turns.map((t) => [t.role, t.text]), text).toEqual([
        ['customer', 'third time I have called'],
        ['agent', 'sorry about that'],
        ['customer', 'just fix it'],
      ]);
    }
    // A date and a time in what the customer says is no speaker.
    expect(roles('On 12/08 22:11 he said: no refunds, ever.')).toEqual(['customer']);
  });

  it('splits transcripts copied with bullets, dashes or arrows, or with the speaker on a line of its own', () => {
    const want = [
      ['customer', 'where is my refund'],
      ['agent', 'let me check'],
      ['customer', 'you said that last week'],
    ];
    const copies = [
      '- Customer: where is my refund\n- Agent: let me check\n- Customer: you said that last week',
      '• Customer: where is my refund\n• Agent: let me check\n• Customer: you said that last week',
      'Customer - where is my refund\nAgent - let me check\nCustomer - you said that last week',
      'Customer > where is my refund\nAgent > let me check\nCustomer > you said that last week',
      // As Teams copies messages: the time and name, then the message below.
      '[11:02 AM] Jane Doe\nwhere is my refund\n[11:03 AM] Tom Reyes\nlet me check\n[11:04 AM] Jane Doe\nyou said that last week',
      // As Slack copies them: the name and the time.
      'Jane Doe  11:02 AM\nwhere is my refund\n\nTom Reyes  11:03 AM\nlet me check\n\nJane Doe  11:05 AM\nyou said that last week',
    ];
    for (const text of copies) expect(parse(text).turns.map((t) => [t.role, t.text]), text).toEqual(want);
  });

  it('splits a call run together on one line, as speech-to-text exports it', () => {
    const p = parse("Agent: thanks for calling how can I help Caller: hi um my bill's wrong again Agent: let me look Caller: this is the third time I've rung about it");
    expect(p.turns.map((t) => [t.role, t.text])).toEqual([
      ['agent', 'thanks for calling how can I help'],
      ['customer', "hi um my bill's wrong again"],
      ['agent', 'let me look'],
      ['customer', "this is the third time I've rung about it"],
    ]);
    // The same role word again, or a lower-case one, is part of the sentence.
    expect(roles('Customer: I wrote Customer: Mrs Shah on the form and it still came back')).toEqual(['customer']);
    expect(parse('Customer: your agent: said it was fixed, it is not').turns).toHaveLength(1);
  });

  it('splits a lower-case run-together paste only when no customer was found otherwise', () => {
    expect(parse('me: hi how can I help guest: my room was never cleaned and I want a refund').turns.map((t) => [t.role, t.text])).toEqual([
      ['agent', 'hi how can I help'],
      ['customer', 'my room was never cleaned and I want a refund'],
    ]);
    // A role word named in the agent's sentence is no speaker: still no customer here.
    expect(roles('Me: I told the customer: no refunds after 30 days')).toEqual(['agent']);
    // Where the customer was found, a lower-case label inside their words stays theirs.
    expect(roles('Customer: the agent: was rude and hung up')).toEqual(['customer']);
  });

  it('does not take a sentence that looks like a prefix for a speaker', () => {
    // Words customers open a complaint with, alone in the paste: the customer speaking.
    expect(parse('Customer service: absolutely useless, 3 hours on hold').turns).toEqual([
      { role: 'customer', text: 'Customer service: absolutely useless, 3 hours on hold' },
    ]);
    expect(roles('Support: nobody answers the phone')).toEqual(['customer']);
    // Beside a customer line, the same word is the agent's side.
    expect(roles('Support: we are looking into it\nCustomer: you said that yesterday')).toEqual(['agent', 'customer']);
    // A dash after a word that is no role, a lone role with a dash, times and days.
    expect(roles('Update - still nothing\nthis is ridiculous')).toEqual(['customer']);
    expect(roles('Customer - that is what I am, and I am fed up')).toEqual(['customer']);
    expect(roles('Call me back at 10:30\nThanks')).toEqual(['customer']);
    expect(roles('Monday 10:30\nTuesday 14:00 works too')).toEqual(['customer']);
    // A contact form's fields are no speakers: the message is the customer's.
    const form = parse('Support form\nName: Jess T\nTopic: Billing\nMessage: I am disputing the charge with my bank.');
    expect(form.turns.map((t) => t.role)).toEqual(['customer']);
    expect(form.turns[0]!.text).toContain('disputing the charge');
    expect(roles('Form submission\nCategory: Account\nDescription: third time writing, you charged me again')).toEqual(['customer']);
  });

  it('knows every documented prefix', () => {
    for (const c of ['Customer', 'Cust', 'C', 'Client', 'Caller']) for (const a of ['Me', 'Agent', 'A', 'Rep']) {
      expect(roles(`${c}: it broke again\n${a}: sorry about that\n${c}: still broken`)).toEqual(['customer', 'agent', 'customer']);
    }
  });

  it('reads Slack quotes as the customer and the agent\'s own lines as notes', () => {
    const p = parse("> I've been a customer for 8 years\n> nobody returns my calls\nhow should I reply to this?");
    expect(p.turns.map((t) => t.role)).toEqual(['customer', 'note']);
    expect(p.turns[0]!.text).toContain('nobody returns my calls');
  });

  it('reads narration as a reported customer turn and drops the question to the coach', () => {
    const p = parse("caller is yelling that this is the 3rd time he's called, wants a refund today. what do i do");
    const customer = p.turns.filter((t) => t.role === 'customer');
    expect(customer).toHaveLength(1);
    expect(customer[0]!.reported).toBe(true);
    expect(customer[0]!.text).not.toMatch(/what do i do/);
  });

  it('splits a direct quote out of narration and records what the agent already offered', () => {
    const p = parse("I offered a voucher and the customer just sent this: 'I WANT A REFUND. NOT A VOUCHER. TODAY.'");
    expect(p.turns[0]).toMatchObject({ role: 'note', actions: ['resolve'] });
    expect(p.turns[1]).toEqual({ role: 'customer', text: 'I WANT A REFUND. NOT A VOUCHER. TODAY.', reported: true });
  });

  it('keeps what the customer said before a quote with the quote, and only what the agent did as a note', () => {
    const p = parse("customer says she wants a manager NOW and she'll put it all over facebook. I offered the claim form and she said 'forms, forms, always more forms'");
    expect(p.turns[0]).toEqual({ role: 'note', text: 'I offered the claim form and she said', actions: ['resolve'] });
    expect(p.turns[1]).toEqual({
      role: 'customer',
      text: "customer says she wants a manager NOW and she'll put it all over facebook.\nforms, forms, always more forms",
      reported: true,
    });
  });

  it('keeps the narration around a quote, and never takes an apostrophe for a quote mark', () => {
    const p = parse("customer is demanding the area manager, says the 'new' phone we sold him was used and he's going to trading standards");
    expect(p.turns).toHaveLength(1);
    expect(p.turns[0]!.text).toMatch(/going to trading standards$/);
    const q = parse("she wrote: 'I have waited three weeks for this refund' and now she's threatening to post it online");
    expect(q.turns).toHaveLength(1);
    expect(q.turns[0]!.text).toBe("she wrote\nI have waited three weeks for this refund\nand now she's threatening to post it online");
  });

  it('keeps the body of a pasted e-mail: no subject, greeting, signature or quoted history', () => {
    const p = parse('Subject: RE: Invoice 3391\n\nHello,\n\nPlease correct invoice 3391 by Friday.\n\nKind regards,\nPriya Nair\nHead of Ops\n\nOn Tue, 3 Mar 2026, Support wrote:\n> We are looking into it');
    expect(p.turns).toEqual([{ role: 'customer', text: 'Please correct invoice 3391 by Friday.' }]);
    expect(p.notices.join(' ')).toMatch(/history was left out/);
  });

  it('reads a reply written under the message it answers, and keeps a speaker line after "--"', () => {
    const p = parse("On Tue, 6 May 2026, Femi A. wrote:\n> I'm going to the BBC with this. Watchdog would love it.\n\nFemi here. Your manager phoned me this morning and I appreciate it.");
    expect(p.turns).toEqual([{ role: 'customer', text: 'Femi here. Your manager phoned me this morning and I appreciate it.' }]);
    expect(p.notices.join(' ')).toMatch(/history was left out/);
    // Slack's quotes with the agent's note under them are no e-mail: the quote is the customer.
    const q = parse("> I'm going to the BBC with this.\nshe means it, what do I say?");
    expect(q.turns.find((t) => t.role === 'customer')?.text).toBe("I'm going to the BBC with this.");
    const r = parse('On Fri, 2 May 2026, Kev Malone wrote:\n> Leaving a 1 star review tonight.\n\nWe are sorry to hear this. Could you share your booking ref?\n\n--\nKev: ref is BK-77120. The room had no hot water for the whole stay.');
    expect(r.turns.map((t) => t.text).join(' ')).toMatch(/no hot water/);
    expect(r.turns.map((t) => t.text).join(' ')).not.toMatch(/1 star/);
  });

  it('keeps the words of a reply answered inline, under and between the quoted lines', () => {
    const p = parse(
      'From: Morven Hay\nSubject: RE: Boiler visit\n\nThird time writing about this.\n\n> On 2 Oct, Bookings wrote:\n> Your engineer will call on Friday.\n\nNobody came. I am taking this to the Ombudsman.\n\n> Is there anything else we can help with?\n\nYes, a refund.\n\nMorven\nSent from my iPhone',
    );
    expect(p.turns).toEqual([{ role: 'customer', text: 'Third time writing about this.\n\nNobody came. I am taking this to the Ombudsman.\n\nYes, a refund.' }]);
    // Below an unquoted history line everything is older, whatever is quoted or not.
    const q = parse('Subject: RE: Boiler\n\nStill waiting.\n\n> Thanks for your patience.\n\nOn 1 Oct, Morven wrote:\nI will sue you.');
    expect(q.turns).toEqual([{ role: 'customer', text: 'Still waiting.' }]);
  });

  it('reads the newest message of a reply whose history starts on a quoted line', () => {
    // As Slack pastes it: the history header itself is quoted, so the older message must not
    // pass for what the customer says now.
    const p = parse(
      "Dear team,\n\nI've emailed twice already with no answer. My appointment at the embassy is on the 21st.\n\nPlease help,\nArjun\n\n> On 8 June, Arjun Mehta wrote:\n> Could you confirm where my parcel is?",
    );
    expect(p.turns).toEqual([{ role: 'customer', text: "I've emailed twice already with no answer. My appointment at the embassy is on the 21st." }]);
    expect(p.notices.join(' ')).toMatch(/history was left out/);
    // A reply with no greeting: its history still marks it as an e-mail.
    const r = parse('Listen here you idiots,\n\nI have NO internet and NO patience left.\nD. Price\n\n> On 19 Nov, Support wrote:\n> Have you tried restarting your router?');
    expect(r.turns.filter((t) => t.role === 'customer').map((t) => t.text).join(' ')).toMatch(/NO patience left/);
    expect(r.turns.map((t) => t.text).join(' ')).not.toMatch(/restarting/);
    // Under a subject line, a quoted block is the message being answered, not the customer.
    const s = parse('Subject: YOU SCAMMERS\n\nYou are thieves and liars. I want my deposit back.\n\n> Your deposit is non-refundable.');
    expect(s.turns).toEqual([{ role: 'customer', text: 'You are thieves and liars. I want my deposit back.' }]);
    // A greeting, the message, a name, then the quoted message it answers.
    const w = parse("Hi,\n\nYour goodwill gesture of £5 is insulting. I'm moving to another provider.\nRaj\n\n> We're sorry for the disruption.");
    expect(w.turns.filter((x) => x.role === 'customer').map((x) => x.text).join(' ')).toMatch(/another provider/);
    expect(w.turns.map((x) => x.text).join(' ')).not.toMatch(/sorry for the disruption/);
    // An agent introducing the customer's words keeps them.
    const v = parse('Hi team, the customer said:\n> you are useless, I want a refund NOW');
    expect(v.turns.filter((x) => x.role === 'customer').map((x) => x.text).join(' ')).toMatch(/refund NOW/);
    // Without such marks, quoted lines are how agents quote a customer in Slack: they stay.
    const t = parse('> I want a refund NOW\n> you are useless\n> sort it\nthanks');
    expect(t.turns.filter((x) => x.role === 'customer').map((x) => x.text).join(' ')).toMatch(/refund NOW/);
    // A short line ending in a comma closes the message only when a name, not a sentence, follows.
    const q = parse('Hello,\n\nI am furious.\nAnyway,\nwhere is my parcel?\nSarah');
    expect(q.turns.map((t) => t.text).join(' ')).toMatch(/where is my parcel\?/);
  });

  it('turns Slack markup into plain text and code blocks into the customer\'s words', () => {
    const p = parse('<@U024BE7LH> can you look at this <https://example.com/t/1|ticket>?\n```\nyou charged me twice!!\n```');
    const customer = p.turns.find((t) => t.role === 'customer')!;
    expect(customer.text).toBe('you charged me twice!!');
    expect(p.turns.map((t) => t.text).join(' ')).not.toMatch(/<@|https:/);
  });
});

/**
 * What the agents paste in `npm run load`: the bench's BENCH_MESSAGES plus more customer
 * messages across emotions, stages and shapes (one line, several sentences, a pasted
 * transcript), and follow-ups that continue a case. Each text gets its own order number,
 * amount or day, so no two requests read the same string (the tokenizer keeps a small cache
 * of recent texts; production traffic never repeats itself either). A few openers call for a
 * supervisor, as real traffic does now and then, so the ping path runs too.
 */
import { BENCH_MESSAGES } from './target-process.ts';

const OPENERS = [
  ...BENCH_MESSAGES,
  'Where is my parcel? Order {order} was supposed to arrive on {day} and the tracking has not moved in a week.',
  'I was charged {amount} twice this month. I want the second charge reversed, not a voucher.',
  "Your app deleted my saved cards and now I can't check out. I've tried reinstalling it twice.",
  "I've been on hold for forty minutes, then got cut off. This is the worst service I've ever had.",
  'Can someone please explain why my account was locked? I need to pay my rent through it by {day}.',
  "The replacement you sent is broken too. That's two broken ones out of two, order {order}.",
  "I'm a bit confused, the invoice says {amount} but the website said something else when I ordered.",
  'Why does nobody ever reply to emails here?? I sent three about order {order} and heard nothing!!',
  "My elderly mother was sold a plan she doesn't need, {amount} a month. I'm really upset about this.",
  'Thanks for getting back to me. The refund of {amount} is still not on my card though, it has been ten days.',
  "Customer: I've been waiting since {day} for my refund of {amount}.\nMe: I'm sorry about the wait, let me check.\nCustomer: You said that last time. Nobody ever checks anything.",
  'Customer: order {order} arrived damaged and the box was open\nMe: That is not how it should arrive, I am sorry.\nCustomer: I want a new one sent today, not next week',
  "Hi, I don't usually complain but the delivery driver left my parcel in the rain and everything inside is soaked. Order {order}. I'd like to know what you can do.",
  "I cancelled on {day}, I have the confirmation email, and you still took {amount}. Give it back. I'm not asking again.",
];

/** Rare on purpose: a legal threat, a demand for a manager, rising anger. */
const ESCALATING = [
  "This is the third refusal. If {amount} is not back on my card by {day} I'm taking this to the ombudsman and my lawyer.",
  "I want to speak to your manager right now. You clearly can't help me with order {order}.",
];

const FOLLOW_UPS = [
  'customer: ok, and when exactly will that happen?',
  "Customer: that's what the last person said too. I want it in writing, order {order}.",
  "Me: I've issued the refund of {amount}, you'll see it within 3 to 5 business days.\nCustomer: fine. thanks I guess",
  'customer: no, that does not work for me, I need it before {day}',
  "Customer: ok thank you, that's actually helpful",
  "customer: I've heard this before. Just fix it.",
  'Me: I understand, I have escalated the delivery issue and will call you on {day}.\nCustomer: ok, I will wait for your call then',
  'customer: why is it so hard to get a simple answer from you people',
];

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'the 14th', 'the 3rd', 'last week'];

/** A small seeded generator (mulberry32): the same seed gives the same run of texts and mix. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fill(template: string, n: number, rnd: () => number): string {
  const text = template
    .replace(/\{order\}/g, `#${100000 + ((n * 7919) % 900000)}`)
    .replace(/\{amount\}/g, `£${(10 + rnd() * 490).toFixed(2)}`)
    .replace(/\{day\}/g, DAYS[Math.floor(rnd() * DAYS.length)]!);
  // Texts without a slot still differ from each other: a reference number, as agents often paste.
  return text === template ? `${text} (ref ${n})` : text;
}

/** The first message of a case: mostly everyday complaints, one in forty calls for a supervisor. */
export function openerText(n: number, rnd: () => number): string {
  const pool = rnd() < 0.025 ? ESCALATING : OPENERS;
  return fill(pool[Math.floor(rnd() * pool.length)]!, n, rnd);
}

/** A later message in the same case: the customer's answer, often with the agent's reply pasted above it. */
export function followUpText(n: number, rnd: () => number): string {
  return fill(FOLLOW_UPS[Math.floor(rnd() * FOLLOW_UPS.length)]!, n, rnd);
}

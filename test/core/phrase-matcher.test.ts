import { describe, expect, it } from 'vitest';
import { PhraseMatcher, PatternSyntaxError, restoreSlots, SlotImages, type PhraseEntry } from '../../src/core/text/phrase-matcher.ts';
import { tokenize, useSpellings } from '../../src/core/text/tokens.ts';

const m = (pattern: string, negatable = false) => new PhraseMatcher([{ pattern, label: 'x', weight: 1, negatable }]);
const hits = (pattern: string, text: string, negatable = false) =>
  m(pattern, negatable).match(tokenize(text)).map((h) => ({ negated: h.negated, text: tokenize(text).slice(h.startTok, h.endTok).map((t) => t.norm).join(' ') }));

describe('tokens', () => {
  it('folds case, apostrophes, elongations and masked profanity, and keeps offsets', () => {
    const text = "I DON'T want sooo much, you f***ing idiot";
    const t = tokenize(text);
    expect(t.map((x) => x.norm)).toEqual(['i', 'dont', 'want', 'soo', 'much', 'you', 'fucking', 'idiot']);
    expect(t[3]!.alt).toBe('so');
    expect(t[1]!.caps).toBe(true);
    expect(text.slice(t[6]!.start, t[6]!.end)).toBe('f***ing');
    expect(t[5]!.clauseStart).toBe(true);
    expect(t[3]!.elongated).toBe(true);
    expect(t[2]!.elongated).toBe(false);
  });

  it('reads a listed misspelling as the word it stands for, and no other word', () => {
    const list = { laywer: 'lawyer', tomorow: 'tomorrow' };
    try {
      useSpellings(list);
      const t = tokenize('my laywer, tomorow');
      expect(t.map((x) => x.norm)).toEqual(['my', 'laywer', 'tomorow']);
      expect(t.map((x) => x.alt)).toEqual([undefined, 'lawyer', 'tomorrow']);
      expect(t[1]!.elongated).toBe(false);
      expect(hits('my lawyer', 'my laywer')).toHaveLength(1);
      expect(hits('my lawyer', 'my layer')).toHaveLength(0);
    } finally {
      useSpellings({});
    }
    expect(hits('my lawyer', 'my laywer')).toHaveLength(0);
  });
});

describe('phrase patterns', () => {
  it('matches phrase alternatives, groups, optional slots and gaps', () => {
    expect(hits('third time|3rd time', 'this is the 3rd time')).toEqual([{ negated: false, text: '3rd time' }]);
    expect(hits('(cancel|close) ~3 (account|my plan)', 'I will close the whole account')).toHaveLength(1);
    expect(hits('(cancel|close) ~1 account', 'I will close the whole damn account')).toHaveLength(0);
    expect(hits('not [very] happy', 'not happy, not very happy')).toHaveLength(2);
    expect(hits('refund*', 'refunded twice')).toHaveLength(1);
    expect(hits('#num (days|hours)', 'for 5 days')).toHaveLength(1);
  });

  it('keeps a phrase inside one sentence, but reads through an abbreviation and a comma', () => {
    expect(hits('(called|rang) ~5 times ~3 the', 'I called four times this week. The app still fails')).toHaveLength(0);
    expect(hits('(called|rang) ~5 times ~3 the', 'I called four times this week, the app still fails')).toHaveLength(1);
    expect(hits('week the', 'this week? the')).toHaveLength(0);
    expect(hits('week the', 'this week\nthe')).toHaveLength(0);
    expect(hits('by #num p.m today', 'by 5 p.m. today')).toHaveLength(1);
    expect(hits('dr patel', 'Dr. Patel said')).toHaveLength(1);
    expect(tokenize('no. way. mr. x').map((t) => t.sentenceStart)).toEqual([true, true, true, false]);
  });

  it('reads "dont" and "don\'t" alike, and elongated words', () => {
    expect(hits("don't understand", 'i dont understand')).toHaveLength(1);
    expect(hits('please', 'pleeeease')).toHaveLength(1);
    expect(hits('please', 'pleas')).toHaveLength(0);
    expect(hits('so', 'sooooo')).toHaveLength(1);
  });

  it('marks a match negated by a nearby negator, but not across a clause or "but"', () => {
    expect(hits('angry', "I'm not angry", true)).toEqual([{ negated: true, text: 'angry' }]);
    expect(hits('angry', 'not that I care. angry!', true)).toEqual([{ negated: false, text: 'angry' }]);
    expect(hits('angry', 'not only sad but angry', true)).toEqual([{ negated: false, text: 'angry' }]);
  });

  it('finds every phrase its quick checks could rule out wrongly, in the order of the file', () => {
    const many = new PhraseMatcher([
      { pattern: 'i ~ cancel ~ account', label: 'gap after the first word', weight: 1, negatable: false },
      { pattern: 'i (will|shall) cancel', label: 'indexed on its first two words', weight: 1, negatable: false },
      { pattern: 'i [really] will', label: 'optional second slot', weight: 1, negatable: false },
      { pattern: 'i will', label: 'plain pair', weight: 1, negatable: false },
      { pattern: 'i ~ (cancel|close) [my] (account|it)', label: 'two required slots', weight: 1, negatable: false },
    ]);
    const found = (text: string) => many.match(tokenize(text)).map((h) => `${h.entry.label}@${h.startTok}`);
    expect(found('I will cancel my account')).toEqual(['gap after the first word@0', 'indexed on its first two words@0', 'optional second slot@0', 'plain pair@0', 'two required slots@0']);
    expect(found('I will cancel the order')).toEqual(['indexed on its first two words@0', 'optional second slot@0', 'plain pair@0']);
    // A word the gap phrase needs, present elsewhere in the text, is not enough on its own.
    expect(found('I shall think. account cancel')).toEqual([]);
    expect(found('I really will')).toEqual(['optional second slot@0']);
  });

  it('rejects patterns it cannot compile, with the pattern in the message', () => {
    expect(() => m('~ starts with a gap')).toThrow(PatternSyntaxError);
    expect(() => m('(unbalanced')).toThrow(/unbalanced/);
    expect(() => m('a*')).toThrow(/too short/);
  });
});

describe('matcher images', () => {
  const entries: PhraseEntry[] = [
    { pattern: '(cancel|close) ~3 (account|my plan)|switch* to #num', label: 'churn', weight: 1, negatable: true },
    { pattern: 'not [very] happy', label: 'calm', weight: 0.5, negatable: false },
    { pattern: 'third time|3rd time|(rang|called) ~2 (before|already)', label: 'repeat', weight: 1, negatable: false, kind: 'k' },
  ];
  const texts = [
    'I will close the whole account, this is the 3rd time',
    "not very happy, I called you lot before and I'm switching to 02 tomorrow",
    "I won't cancel my plan",
    'nothing to see here, I am not happy',
  ];
  const found = (matcher: PhraseMatcher, text: string) =>
    matcher.match(tokenize(text)).map((h) => ({ pattern: h.entry.pattern, label: h.entry.label, kind: h.entry.kind, at: [h.startTok, h.endTok], negated: h.negated }));

  it('restores, through JSON, a matcher that finds exactly what the compiled one finds', () => {
    const compiled = new PhraseMatcher(entries);
    const slots = new SlotImages();
    const image = compiled.image(slots);
    const stored = JSON.parse(JSON.stringify({ image, slots: slots.list }));
    const restored = PhraseMatcher.fromImage(entries, stored.image, restoreSlots(stored.slots));
    for (const text of texts) expect(found(restored, text)).toEqual(found(compiled, text));
    expect(found(restored, texts[0]!).map((h) => h.label)).toEqual(['churn', 'repeat']);
    expect(found(restored, texts[2]!)).toEqual([{ pattern: entries[0]!.pattern, label: 'churn', kind: undefined, at: [2, 5], negated: true }]);
  });

  it('shares one slot table between matchers and names words, not ids', () => {
    const slots = new SlotImages();
    new PhraseMatcher(entries).image(slots);
    const before = slots.list.length;
    new PhraseMatcher([{ pattern: '(cancel|close) ~3 (account|my plan)', label: 'x', weight: 1, negatable: false }]).image(slots);
    expect(slots.list.length).toBe(before);
    expect(slots.list).toContainEqual({ words: ['cancel', 'close'], alts: [], optional: false });
  });

  it('refuses an image that does not fit the entries', () => {
    const slots = new SlotImages();
    const image = new PhraseMatcher(entries).image(slots);
    expect(() => PhraseMatcher.fromImage(entries.slice(0, 1), image, restoreSlots(slots.list))).toThrow(RangeError);
    expect(() => PhraseMatcher.fromImage(entries, image, restoreSlots(slots.list.slice(0, 2)))).toThrow(RangeError);
  });
});

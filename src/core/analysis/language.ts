/**
 * A cheap check that text is English: the offline lexicons are English, so a reading of
 * another language must say it is unreliable rather than pretend.
 */
const COMMON = new Set(
  'the a an and or but to of in on at for with is are was were be been it this that i you my your me we our they he she not no do does did have has had can could will would what why how when where please thanks thank hi hello yes ok okay just still again so if from by about as all any there here get got want need'.split(' '),
);

const LETTER = /\p{L}/u;

export function looksEnglish(text: string): boolean {
  // One pass over the characters: a regular expression per letter would cost more than
  // the whole analysis of a long message.
  let letters = 0;
  let latin = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      latin++;
      letters++;
    } else if (c > 127 && LETTER.test(text[k]!)) letters++;
  }
  if (letters < 12) return true;
  if (latin / letters < 0.6) return false;
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  if (words.length < 5) return true;
  let common = 0;
  for (const w of words) if (COMMON.has(w)) common++;
  // English prose has about 40% function words; 8% leaves room for terse, typo-ridden chat.
  return common / words.length >= 0.08;
}

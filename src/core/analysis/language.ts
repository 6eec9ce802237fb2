/**
 * A cheap check that text is English: the offline lexicons are English, so a reading of
 * another language must say it is unreliable rather than pretend.
 */
const COMMON = new Set(
  'the a an and or but to of in on at for with is are was were be been it this that i you my your me we our they he she not no do does did have has had can could will would what why how when where please thanks thank hi hello yes ok okay just still again so if from by about as all any there here get got want need'.split(' '),
);

export function looksEnglish(text: string): boolean {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters < 12) return true;
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  if (latin / letters < 0.6) return false;
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  if (words.length < 5) return true;
  const common = words.filter((w) => COMMON.has(w)).length;
  // English prose has about 40% function words; 8% leaves room for terse, typo-ridden chat.
  return common / words.length >= 0.08;
}

// The checks read English: its negators, modals, stemmer and word lists. Text in
// another language would pass or fail on accident, so it is reported as not
// checked instead.

const ENGLISH_FUNCTION_WORDS = new Set([
  "the", "a", "an", "is", "are", "was", "were", "be", "of", "to", "in", "on", "and", "or", "for", "with", "by",
  "at", "from", "that", "this", "it", "as", "can", "may", "will", "has", "have", "had", "not", "their", "they",
  "he", "she", "we", "you", "within", "any", "all", "its", "his", "her", "which", "who", "after", "before",
]);
// Frequent function words of other Latin-script languages that are not English words.
const FOREIGN_FUNCTION_WORDS = new Set([
  "el", "la", "los", "las", "del", "que", "y", "es", "un", "una", "por", "para", "con", "pero", "sus", "está",
  "der", "die", "das", "und", "ist", "nicht", "mit", "ein", "eine", "den", "dem", "auf", "für", "sie", "werden",
  "le", "les", "des", "est", "et", "une", "du", "pour", "dans", "sur", "avec", "pas", "sont", "peuvent", "jours",
  "il", "di", "che", "della", "sono", "per", "non", "gli", "ha", "de", "em", "não", "um", "uma", "os", "com",
  "het", "een", "niet", "zijn", "och", "att", "är", "som", "på", "ikke", "og", "er", "til",
]);

export type LanguageJudgement = "english" | "unsupported";

export function judgeLanguage(text: string): LanguageJudgement {
  let latinLetters = 0;
  let otherLetters = 0;
  for (let i = 0; i < text.length; ) {
    const point = text.codePointAt(i) as number;
    const width = point > 0xffff ? 2 : 1;
    // ASCII letters are Latin and no other ASCII character is a letter: the
    // Unicode tests are for the rest.
    if (point < 0x80) {
      if ((point >= 65 && point <= 90) || (point >= 97 && point <= 122)) latinLetters++;
    } else {
      const ch = text.slice(i, i + width);
      if (/\p{Script=Latin}/u.test(ch)) latinLetters++;
      else if (/\p{L}/u.test(ch)) otherLetters++;
    }
    i += width;
  }
  if (latinLetters + otherLetters === 0) return "english"; // digits and symbols: a bare value
  if (otherLetters > latinLetters * 0.5) return "unsupported";
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  // Short answers ("Democrat", "Lyudmila Petrushevskaya") have no function words to judge by.
  if (words.length < 5) return "english";
  let english = 0;
  let foreign = 0;
  for (const word of words) {
    if (ENGLISH_FUNCTION_WORDS.has(word)) english++;
    else if (FOREIGN_FUNCTION_WORDS.has(word)) foreign++;
  }
  return foreign > english ? "unsupported" : "english";
}

/**
 * Text as the matchers see it. Buyers stretch words ("helppp", "มากกกก"), write Thai digits,
 * place Vietnamese tone marks two ways ("hủy", "huỷ") or leave diacritics out entirely, so
 * matching runs on normalised copies: lowercase NFC with runs of three or more equal letters
 * collapsed and emoji kept, once with diacritics and once stripped (đ→d).
 */

export interface NormalizedText {
  /** NFC with invisible characters removed, case kept: workspace patterns and shouting run here. */
  readonly original: string;
  /** Lowercase, tone marks in one canonical place, diacritics kept: phrases match here. */
  readonly lower: string;
  /** `lower` with diacritics stripped: order numbers, language markers and durations match here. */
  readonly folded: string;
}

const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;
const APOSTROPHES = /[\u2018\u2019\u02bc`\u00b4]/g;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const THAI_DIGITS = /[\u0e50-\u0e59]/g;
const LETTER_RUNS = /(\p{L})\1{2,}/gu;
const LINKS = /\bhttps?:\/\/\S+|\bwww\.\S+/g;
/**
 * "hòa"/"hoà", "hủy"/"huỷ", "khỏe"/"khoẻ": both placements are in daily use. In NFD the tone
 * follows its vowel; moving it to the second vowel of an open oa/oe/uy syllable picks one.
 */
const OLD_STYLE_TONE = /([ou])([\u0300\u0301\u0303\u0309\u0323])([aey])(?![\p{L}\p{M}])/gu;

/** One spelling of each Vietnamese syllable: NFC, lowercase, tone on the canonical vowel. */
export function canonicalText(text: string): string {
  return text.normalize("NFC").toLowerCase().normalize("NFD").replace(OLD_STYLE_TONE, "$1$3$2").normalize("NFC");
}

/**
 * Lowercase and strip Latin diacritics. Only U+0300–U+036F are removed: Thai vowels and tone
 * marks are combining marks too and must stay.
 */
export function foldText(text: string): string {
  return text.normalize("NFC").toLowerCase().normalize("NFD").replace(COMBINING_MARKS, "").replace(/đ/g, "d").normalize("NFC");
}

/** Printable ASCII and line breaks; anything else takes the full path. */
const ASCII = /^[\t\n\r -~]*$/;

export function normalizeText(text: string): NormalizedText {
  // Most English, Indonesian and unaccented Vietnamese messages are ASCII: nothing to compose or strip.
  if (ASCII.test(text)) {
    const original = text.replace(APOSTROPHES, "'");
    const lower = original.toLowerCase().replace(LINKS, " ").replace(LETTER_RUNS, "$1");
    return { original, lower, folded: lower };
  }
  const original = text.normalize("NFC").replace(INVISIBLE, "").replace(APOSTROPHES, "'");
  const lower = canonicalText(original)
    .replace(LINKS, " ")
    .replace(THAI_DIGITS, (digit) => String(digit.charCodeAt(0) - 0x0e50))
    .replace(LETTER_RUNS, "$1");
  return { original, lower, folded: foldText(lower) };
}

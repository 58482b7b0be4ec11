/**
 * Which language a buyer writes in. Thai shows in its script and Vietnamese in its letters
 * (ơ, ư, đ, tone marks); Vietnamese typed without diacritics, Indonesian and English are told
 * apart by common words ("khi nao", "kak", "the"). No evidence at all gives "unknown".
 */
import { LEXICONS } from "./lexicon/index.ts";
import { foldText, type NormalizedText } from "./normalize.ts";
import type { Language } from "./types.ts";

type Detectable = Exclude<Language, "unknown" | "th">;

const THAI_LETTERS = /[\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e4e]/gu;
const VIETNAMESE_LETTERS = /[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/gu;
/** Two Vietnamese letters outweigh a handful of marker words; a single é could be a loanword. */
const POINTS_PER_VIETNAMESE_LETTER = 2;
const MAX_VIETNAMESE_LETTER_POINTS = 6;
/** Ties go to the language whose markers are least likely by accident. */
const TIE_ORDER: readonly Detectable[] = ["vi", "id", "en"];

/** Markers are plain words, so a map lookup per word (and per pair and triple) replaces a regex scan. */
const MARKERS = new Map<string, Detectable[]>();
for (const lexicon of LEXICONS) {
  const language = lexicon.language;
  if (!language || language === "th") continue;
  for (const marker of lexicon.markers ?? []) {
    const key = foldText(marker).trim().split(/\s+/).join(" ");
    MARKERS.set(key, [...(MARKERS.get(key) ?? []), language]);
  }
}
const LONGEST_MARKER = Math.max(...[...MARKERS.keys()].map((key) => key.split(" ").length));
const WORD_SEPARATORS = /[^a-z0-9']+/;

function count(regex: RegExp, text: string): number {
  regex.lastIndex = 0;
  let total = 0;
  while (regex.exec(text) !== null) total++;
  return total;
}

function countMarkers(folded: string, scores: Record<Detectable, number>): void {
  const words = folded.split(WORD_SEPARATORS).filter((word) => word.length > 0);
  const seen = new Set<string>();
  for (let start = 0; start < words.length; start++) {
    let key = "";
    for (let length = 1; length <= LONGEST_MARKER && start + length <= words.length; length++) {
      key = length === 1 ? (words[start] as string) : `${key} ${words[start + length - 1]}`;
      const languages = MARKERS.get(key);
      if (!languages || seen.has(key)) continue;
      seen.add(key);
      for (const language of languages) scores[language]++;
    }
  }
}

export function detectLanguage(text: NormalizedText, signals: string[]): Language {
  if (count(THAI_LETTERS, text.lower) >= 2) {
    signals.push("language:th:script");
    return "th";
  }
  const scores: Record<Detectable, number> = { vi: 0, id: 0, en: 0 };
  const vietnameseLetters = count(VIETNAMESE_LETTERS, text.lower);
  scores.vi += Math.min(vietnameseLetters * POINTS_PER_VIETNAMESE_LETTER, MAX_VIETNAMESE_LETTER_POINTS);
  countMarkers(text.folded, scores);
  let best: Detectable | null = null;
  for (const language of TIE_ORDER) {
    if (scores[language] > 0 && (best === null || scores[language] > scores[best])) best = language;
  }
  if (best === null) return "unknown";
  signals.push(`language:${best}:${best === "vi" && vietnameseLetters > 0 ? "diacritics" : "words"}`);
  return best;
}

/**
 * The model's features, shared by training (`scripts/classifier/train.ts`) and scoring: hashed
 * character 2–4-grams of the folded text (diacritics stripped, so "hủy" and "huy" share them;
 * Thai has no spaces, so n-grams are its words), hashed words and word pairs, and a few
 * shape flags. Digit runs become one "0" so that prices, fees and ids share shapes rather
 * than values. Pure and allocation-light: it runs on every inbound message.
 */
import type { NormalizedText } from "../normalize.ts";

/** 2^15 buckets: few collisions for a corpus of a few thousand DMs, 32 768 rows of weights. */
export const FEATURE_BITS = 15;
export const FEATURE_COUNT = 1 << FEATURE_BITS;
/** Enough for a 2,000-character message: 3 n-grams per character plus words and pairs. */
export const MAX_FEATURES = 8192;

const DIGIT_RUNS = /\d+/g;
const SPACES = /\s+/g;
const VIETNAMESE_LETTERS = /[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/u;
const LETTERS_OR_DIGITS = /^[\p{L}\p{M}\p{N}']$/u;

/** murmur3's finaliser: FNV's low bits alone collide too much for a power-of-two table. */
function mix(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function step(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

function hashString(seed: number, text: string): number {
  let h = step(FNV_OFFSET, seed);
  for (let i = 0; i < text.length; i++) h = step(h, text.charCodeAt(i));
  return h;
}

function bucket(hash: number): number {
  return mix(hash) >>> (32 - FEATURE_BITS);
}

/** Feature namespaces: an n-gram "ab" and a word "ab" are different features. */
const NS_CHAR = 1;
const NS_WORD = 2;
const NS_PAIR = 3;
const NS_FLAG = 4;

/** The text the n-grams run on: folded, digit runs as "0", spaces collapsed, padded. */
export function featureText(text: NormalizedText): string {
  return ` ${text.folded.replace(DIGIT_RUNS, "0").replace(SPACES, " ").trim()} `;
}

/**
 * Writes the message's feature buckets into `out` (duplicates kept: a repeated n-gram counts
 * twice) and returns how many. `orderIds` is how many order numbers the exact rules found.
 */
export function extractFeatures(text: NormalizedText, orderIds: number, out: Uint32Array): number {
  const padded = featureText(text);
  let count = 0;
  const limit = out.length;
  for (let start = 0; start < padded.length - 1 && count + 3 <= limit; start++) {
    let h = step(FNV_OFFSET, NS_CHAR);
    for (let n = 0; n < 4 && start + n < padded.length; n++) {
      h = step(h, padded.charCodeAt(start + n));
      if (n >= 1) out[count++] = bucket(h);
    }
  }
  // Words: runs of letters and digits; Thai runs stay whole, the n-grams cover them.
  let previous = "";
  let word = "";
  const flushWord = () => {
    if (word === "" || count + 2 > limit) return;
    out[count++] = bucket(hashString(NS_WORD, word));
    if (previous !== "") out[count++] = bucket(hashString(NS_PAIR, `${previous} ${word}`));
    previous = word;
    word = "";
  };
  for (const char of padded) {
    if (LETTERS_OR_DIGITS.test(char)) word += char;
    else flushWord();
  }
  flushWord();
  const flag = (name: string) => {
    if (count < limit) out[count++] = bucket(hashString(NS_FLAG, name));
  };
  flag(orderIds > 0 ? "order-id" : "no-order-id");
  if (VIETNAMESE_LETTERS.test(text.lower)) flag("vietnamese-letters");
  if (/[!?]{2,}/.test(text.original)) flag("repeated-punctuation");
  flag(padded.length < 20 ? "short" : padded.length < 60 ? "medium" : "long");
  return count;
}

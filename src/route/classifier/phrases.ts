/**
 * Compiles keyword lists into regexes, once at module load. A phrase is a small regex written
 * as a speaker would type it:
 * - lowercase; Vietnamese with its diacritics. A letter typed without diacritics matches any
 *   accented form ("don hang" matches "đơn hàng"), but one typed with them must be the phrase's:
 *   "đôi" (a pair) is not "đổi" (change), as "lựa" (choose) is not "lừa" (cheat);
 * - a space matches a run of spaces; ` ?` an optional one, as does a space after an optional
 *   group (`(my)? order` matches "order");
 * - `*` right after a letter accepts any word ending ("cancel*" → cancelled, cancellation);
 * - `(a|b)` and `?` as in regex; groups are made non-capturing here. No upper-case escapes.
 * Phrases with Latin letters or digits only match whole words; Thai has no spaces, so Thai
 * phrases match anywhere.
 *
 * Decision (diacritics): a plain second pass over stripped text would read "đôi" as "đổi" for
 * every buyer; an exact pass alone would miss buyers who type without diacritics. A per-letter
 * class ([ổo]) does both in one scan over the canonical text (`canonicalText`).
 */
import { canonicalText } from "./normalize.ts";

interface Scan<T> {
  readonly regex: RegExp;
  /** `entries[i]` belongs to capture group `i + 1`; a lower rank is the longer phrase. */
  readonly entries: readonly { value: T; rank: number }[];
  /** Every phrase holds a non-Latin character, so Latin text can skip this scan. */
  readonly onlyNonLatin: boolean;
}

export interface PhraseMatcher<T> {
  readonly scans: readonly Scan<T>[];
}

export interface PhraseMatch<T> {
  value: T;
  start: number;
  end: number;
}

/** Latin letters, Vietnamese ones included: what a word boundary is made of. */
const LATIN_LETTERS = "a-z\\u00c0-\\u024f\\u1e00-\\u1eff";
const IS_LATIN_OR_DIGIT = new RegExp(`[0-9${LATIN_LETTERS}]`, "u");
const WORD_START = `(?<![0-9${LATIN_LETTERS}])`;
const WORD_END = `(?![${LATIN_LETTERS}])`;
const WORD_END_AFTER_DIGIT = `(?![0-9${LATIN_LETTERS}])`;
const BARE_LETTER = /^[a-z]$/;

const BASE_LETTERS = new Map<string, string>([["đ", "d"]]);

/** "ổ" → "o", "đ" → "d"; other characters unchanged. */
function baseLetter(letter: string): string {
  let base = BASE_LETTERS.get(letter);
  if (base === undefined) {
    base = letter.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    BASE_LETTERS.set(letter, base);
  }
  return base;
}

/**
 * Each accented letter becomes a class of itself and its bare letter; a leading one becomes a
 * group instead, so that `bucketed` can still file the phrase under its first character.
 */
function accentTolerant(source: string): string {
  let out = "";
  let escaped = false;
  let inClass = false;
  for (const char of source) {
    const base = baseLetter(char);
    if (escaped || base === char || !BARE_LETTER.test(base)) out += char;
    else if (inClass) out += `${char}${base}`;
    else out += out === "" ? `(?:${char}|${base})` : `[${char}${base}]`;
    if (!escaped && char === "[") inClass = true;
    if (!escaped && char === "]") inClass = false;
    escaped = !escaped && char === "\\";
  }
  return out;
}

/** A phrase as regex source without boundaries, and the word-end check it needs, if any. */
function phraseBody(phrase: string): { body: string; tail: string; bounded: boolean } {
  const written = canonicalText(phrase.trim());
  const body = accentTolerant(
    written
      .replace(/(?<!\\)\((?!\?)/g, "(?:")
      .replace(/(?<=\p{L})\*/gu, `[${LATIN_LETTERS}]*`)
      .replace(/ \?/g, "\\s*")
      .replace(/(?<=\)\?) +/g, "\\s*")
      .replace(/ +/g, "\\s+"),
  );
  if (!IS_LATIN_OR_DIGIT.test(written.replace(/\\[a-z]/g, ""))) return { body, tail: "", bounded: false };
  return { body, tail: /\d$/.test(written) ? WORD_END_AFTER_DIGIT : WORD_END, bounded: true };
}

/** The regex source of one phrase: word-bounded when it holds Latin letters or digits, unless `bounded` is false. */
export function phraseSource(phrase: string, bounded = true): string {
  const { body, tail, bounded: needsBoundary } = phraseBody(phrase);
  return bounded && needsBoundary ? `${WORD_START}(?:${body})${tail}` : body;
}

/** The first character when the body starts with a plain one that is not repeated or optional. */
const LEADING_LITERAL = /^([^\\()[\]{}.*+?|^$])(?![*+?{])/u;

type Branch = { body: string; index: number };

function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** How many leading characters are shared in a regex's trie; deeper nesting gains nothing measurable. */
const MAX_TRIE_DEPTH = 2;
/**
 * V8's regex compile time grows faster than the regex: one alternation of 800 phrases costs a
 * fresh isolate's first message about 100 ms, five of 160 a third of that, and run faster too.
 */
const MAX_BRANCHES_PER_REGEX = 160;

const LEADING_GROUP = /^\(\?:((?:[^()\\|]|\\.|\|)*)\)(\?)?(?![*+{])/u;
const MAX_EXPANSION = 64;
/** "[đd]" as written by `accentTolerant`: the accented letter and its bare one. */
const LEADING_LETTER_PAIR = /^\[([^\]\\])([^\]\\])\](?![*+?{])/u;

/**
 * "(bị|đã) hủy" → "bị hủy", "đã hủy" → …, "dã hủy": a phrase that starts with a plain group or
 * letter class is split so each variant is filed under its first character.
 */
function expandLeadingGroup(body: string): string[] {
  const pair = LEADING_LETTER_PAIR.exec(body);
  if (pair) return [`${pair[1]}${body.slice(4)}`, `${pair[2]}${body.slice(4)}`];
  const group = LEADING_GROUP.exec(body);
  if (!group) return [body];
  const rest = body.slice(group[0].length);
  const variants = (group[1] as string).split("|").map((option) => option + rest);
  if (group[2]) variants.push(rest.replace(/^\\s\*/, ""));
  const expanded = variants.flatMap(expandLeadingGroup);
  return expanded.length <= MAX_EXPANSION ? expanded : [body];
}

/**
 * `a(?:b(?:(rest1)|(rest2))|c(…))|(other)`: a regex engine tries an alternation's branches one by
 * one at every position, so sharing leading characters (a trie) turns hundreds of tries into a
 * few. A phrase's capture group wraps what is left of it below its trie path.
 */
function bucketed(branches: readonly Branch[], groupOf: Map<number, number>, nextGroup: { value: number }, depth = 0): string {
  const buckets = new Map<string, Branch[]>();
  const rest: Branch[] = [];
  for (const branch of branches) {
    const first = depth < MAX_TRIE_DEPTH ? LEADING_LITERAL.exec(branch.body)?.[1] : undefined;
    if (first === undefined) rest.push(branch);
    else appendTo(buckets, first, { body: branch.body.slice(first.length), index: branch.index });
  }
  const parts: string[] = [];
  for (const [first, members] of buckets) {
    const escaped = first.replace(/[\\^$*+?.()|[\]{}]/g, "\\$&");
    parts.push(`${escaped}(?:${bucketed(members, groupOf, nextGroup, depth + 1)})`);
  }
  for (const branch of rest) {
    groupOf.set(nextGroup.value++, branch.index);
    parts.push(`(${branch.body})`);
  }
  return parts.join("|");
}

/**
 * Branches grouped by first character, then packed into regexes of bounded size. Phrases that
 * can start at the same place share a regex, so the longer one is still tried first there.
 */
function packed(branches: readonly Branch[]): Branch[][] {
  const byFirst = new Map<string, Branch[]>();
  for (const branch of branches) {
    for (const body of expandLeadingGroup(branch.body)) {
      const key = LEADING_LITERAL.exec(body)?.[1] ?? "";
      appendTo(byFirst, key, { body, index: branch.index });
    }
  }
  // Phrases without a plain first character can start anywhere: they are packed last, together.
  const groups = [...byFirst.entries()].sort(([a], [b]) => Number(a === "") - Number(b === "")).map(([, members]) => members);
  const packs: Branch[][] = [];
  let current: Branch[] = [];
  for (const members of groups) {
    if (current.length > 0 && current.length + members.length > MAX_BRANCHES_PER_REGEX) {
      packs.push(current);
      current = [];
    }
    current.push(...members);
  }
  if (current.length > 0) packs.push(current);
  return packs;
}

/** Latin text (Vietnamese included) holds nothing the Thai and emoji scans could match: they are skipped. */
const NON_LATIN = /[^\t\n\r -\u024f\u1e00-\u1eff]/u;

function scan<T>(branches: readonly Branch[], bounds: readonly [string, string], values: readonly T[]): Scan<T> {
  const groupOf = new Map<number, number>();
  const source = `${bounds[0]}(?:${bucketed(branches, groupOf, { value: 1 })})${bounds[1]}`;
  const entries: { value: T; rank: number }[] = [];
  for (const [group, index] of groupOf) entries[group - 1] = { value: values[index] as T, rank: index };
  return { regex: new RegExp(source, "gu"), entries, onlyNonLatin: branches.every((branch) => NON_LATIN.test(branch.body)) };
}

/**
 * Compiles a category's phrases into a few regexes with a capture group per phrase: the
 * word-bounded phrases, their boundaries checked once around the alternation (a failed end
 * check backtracks into it, so the result is as if checked per phrase), and the rest (Thai, emoji).
 */
export function compilePhrases<T>(entries: readonly { phrase: string; value: T }[]): PhraseMatcher<T> {
  const sorted = entries.map((entry) => ({ ...phraseBody(entry.phrase), phrase: entry.phrase, value: entry.value }));
  sorted.sort((a, b) => b.phrase.length - a.phrase.length);
  const values = sorted.map((entry) => entry.value);
  const branches = sorted.map((entry, index) => ({ body: entry.body, index, bounded: entry.bounded }));
  return {
    scans: [
      ...packed(branches.filter((branch) => branch.bounded)).map((pack) => scan(pack, [WORD_START, WORD_END_AFTER_DIGIT], values)),
      ...packed(branches.filter((branch) => !branch.bounded)).map((pack) => scan(pack, ["", ""], values)),
    ],
  };
}

type Pending<T> = PhraseMatch<T> & { rank: number };

/** The scan's first match at or after `from`, or null. */
function nextMatch<T>({ regex, entries }: Scan<T>, text: string, from: number): Pending<T> | null {
  regex.lastIndex = from;
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    if (match[0] === "") {
      regex.lastIndex++;
      continue;
    }
    for (let group = 1; group < match.length; group++) {
      if (match[group] === undefined) continue;
      const entry = entries[group - 1] as { value: T; rank: number };
      return { value: entry.value, rank: entry.rank, start: match.index, end: match.index + match[0].length };
    }
  }
  return null;
}

/**
 * Phrases found in `text`, left to right and without overlaps, exactly as one alternation of all
 * the phrases would find them: the match starting first wins, then the longer phrase, and every
 * scan whose next match overlaps the winner looks again from the winner's end.
 */
export function matchPhrases<T>(matcher: PhraseMatcher<T>, text: string): PhraseMatch<T>[] {
  const nonLatin = NON_LATIN.test(text);
  const scans = matcher.scans.filter((entry) => nonLatin || !entry.onlyNonLatin);
  const pending = scans.map((entry) => nextMatch(entry, text, 0));
  const kept: PhraseMatch<T>[] = [];
  for (;;) {
    let best = -1;
    pending.forEach((match, index) => {
      const current = best < 0 ? null : pending[best];
      if (match && (!current || match.start < current.start || (match.start === current.start && match.rank < current.rank))) best = index;
    });
    const winner = best < 0 ? null : pending[best];
    if (!winner) return kept;
    kept.push({ value: winner.value, start: winner.start, end: winner.end });
    pending.forEach((match, index) => {
      if (match && match.start < winner.end) pending[index] = nextMatch(scans[index] as Scan<T>, text, winner.end);
    });
  }
}

/** Every phrase found in `text`, left to right; a phrase found twice is reported twice. */
export function findPhrases<T>(matcher: PhraseMatcher<T>, text: string): T[] {
  return matchPhrases(matcher, text).map((match) => match.value);
}

/** `text` with every phrase found replaced by a space. */
export function removePhrases(matcher: PhraseMatcher<unknown>, text: string): string {
  let out = "";
  let from = 0;
  for (const { start, end } of matchPhrases(matcher, text)) {
    out += `${text.slice(from, start)} `;
    from = end;
  }
  return out + text.slice(from);
}

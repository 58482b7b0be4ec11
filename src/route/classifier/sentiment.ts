/**
 * How the buyer feels, tuned to catch anger: a ticket for an upset buyer matters more than a
 * calm one answered by a bot. A strong phrase (scam, profanity, a threat to report, a broken
 * item) or an angry emoji decides alone; a mild complaint ("slow", "kok", "ทำไม", a sad emoji)
 * needs company: another one, !!!/???, or shouting. Shouting with !!!/??? is enough alone.
 * "Not arrived" is negative after a long wait (five days or more). Praise is positive; thanks
 * only when the message is nothing but thanks.
 */
import { LEXICONS } from "./lexicon/index.ts";
import type { Lexicon } from "./lexicon/types.ts";
import { foldText, type NormalizedText } from "./normalize.ts";
import { compilePhrases, findPhrases, phraseSource } from "./phrases.ts";
import type { Intent, Sentiment } from "./types.ts";

/** A wait this long in days turns "not arrived yet" into a complaint. */
export const LONG_WAIT_DAYS = 5;

type Kind = "negative" | "mild" | "praise" | "thanks" | "wait";
type Hit = { kind: Kind; signal: string; days: number };

function entries(lexicon: Lexicon) {
  const of = (kind: Kind, phrases: readonly string[] | undefined, days = 0) =>
    (phrases ?? []).map((phrase) => ({ phrase, value: { kind, days, signal: `${kind}:${lexicon.name}:${phrase}` } }));
  return [
    ...of("negative", lexicon.negative?.strong),
    ...of("mild", lexicon.negative?.weak),
    ...of("praise", lexicon.positive?.strong),
    ...of("thanks", lexicon.positive?.weak),
    ...Object.entries(lexicon.longWaits ?? {}).flatMap(([phrase, days]) => of("wait", [phrase], days)),
  ];
}

const SENTIMENT_PHRASES = compilePhrases<Hit>(LEXICONS.flatMap(entries));
/** Apart, so that "ทำไมยังไม่" (delay) does not hide "ทำไม" (a complaint) from the list above. */
const DELAYS = compilePhrases(LEXICONS.flatMap((lexicon) => (lexicon.delays ?? []).map((phrase) => ({ phrase, value: true }))));

const NUMBER_WORDS = new Map<string, number>();
const UNITS: { source: string; days: number }[] = [];
for (const lexicon of LEXICONS) {
  for (const [word, value] of Object.entries(lexicon.numberWords ?? {})) NUMBER_WORDS.set(foldText(word), value);
  for (const [unit, days] of Object.entries(lexicon.waitUnits ?? {})) UNITS.push({ source: phraseSource(unit, false), days });
}
/** "2 weeks", "10 ngày", "dua minggu", "สองอาทิตย์": group 1 is the number, group 2+i is unit i. */
const DURATION = new RegExp(
  `(?<![a-z0-9])(\\d{1,3}|${[...NUMBER_WORDS.keys()].sort((a, b) => b.length - a.length).join("|")})\\s*(?:${UNITS.map((unit) => `(${unit.source})`).join("|")})(?![a-z])`,
  "gu",
);

const REPEATED_PUNCTUATION = /[!?！？]{2,}/u;
/** Three capitalised words in a row: "WHERE IS MY ORDER", "KAK PESANAN AKU". */
const SHOUTING = /(?:^|\s)\p{Lu}{2,}(?:\s+\p{Lu}{2,}){2,}/u;

function longestWaitDays(folded: string): number {
  let longest = 0;
  DURATION.lastIndex = 0;
  for (let match = DURATION.exec(folded); match !== null; match = DURATION.exec(folded)) {
    const amount = /^\d/.test(match[1] as string) ? Number(match[1]) : (NUMBER_WORDS.get(match[1] as string) ?? 0);
    const unit = UNITS.findIndex((_, index) => match?.[index + 2] !== undefined);
    longest = Math.max(longest, amount * (UNITS[unit]?.days ?? 0));
  }
  return longest;
}

export function decideSentiment(text: NormalizedText, intent: Intent, signals: string[]): Sentiment {
  const found = new Map<string, Hit>();
  for (const hit of findPhrases(SENTIMENT_PHRASES, text.lower)) found.set(hit.signal, hit);
  const hits = [...found.values()];
  const of = (kind: Kind) => hits.filter((hit) => hit.kind === kind);

  const negative = of("negative");
  const mild = of("mild");
  const delayed = findPhrases(DELAYS, text.lower).length > 0;
  const waitDays = Math.max(longestWaitDays(text.folded), ...of("wait").map((hit) => hit.days));
  const punctuated = REPEATED_PUNCTUATION.test(text.original);
  const shouting = SHOUTING.test(text.original);
  const emphatic = punctuated || shouting;
  const praise = of("praise");
  const thanks = of("thanks");

  const reasons: string[] = negative.map((hit) => hit.signal);
  if (delayed && waitDays >= LONG_WAIT_DAYS) reasons.push("negative:long_wait");
  if (mild.length >= 2 || (mild.length === 1 && emphatic)) {
    reasons.push(...mild.map((hit) => hit.signal), ...(emphatic ? ["negative:emphasis"] : []));
  }
  // "WHERE IS IT!!!" is angry without a complaint word; "THANK YOU!!!" is not.
  if (shouting && punctuated && praise.length + thanks.length === 0) reasons.push("negative:shouting");
  if (reasons.length > 0) {
    signals.push(...reasons);
    return "negative";
  }
  if (praise.length > 0 || (thanks.length > 0 && intent === "greeting")) {
    signals.push(...praise.map((hit) => hit.signal), ...(praise.length > 0 ? [] : thanks.map((hit) => hit.signal)));
    return "positive";
  }
  return "neutral";
}

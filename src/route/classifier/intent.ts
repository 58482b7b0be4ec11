/**
 * What the buyer wants. An intent scores its strongest phrase found, not the sum (a long
 * "where is it, I paid, still nothing" must not outweigh "cancel"); the highest score wins,
 * ties going to the intent that needs a person soonest. A message naming an order and nothing
 * else asks about that order. A greeting counts only when nothing else is asked.
 */
import { LEXICONS } from "./lexicon/index.ts";
import type { ScoredIntent, Weighted } from "./lexicon/types.ts";
import type { NormalizedText } from "./normalize.ts";
import { compilePhrases, findPhrases, removePhrases } from "./phrases.ts";
import type { Intent } from "./types.ts";

const DECISIVE = 3;
const STRONG = 2;
const WEAK = 1;
/** Letters left once greetings, fillers and praise are removed; more means a real question. */
const MAX_GREETING_LEFTOVER = 6;
/** Without a question mark a few more are allowed: "thanks, the bag is gorgeous". */
const MAX_GREETING_LEFTOVER_NO_QUESTION = 10;

/** Tie-break: a human ask first (it opens a ticket), then what loses the buyer money if late. */
export const INTENT_PRIORITY: readonly ScoredIntent[] = ["human", "cancel", "refund", "change_order", "order_status", "shipping"];

type Hit = { intent: ScoredIntent | "greeting"; weight: number; signal: string };

function weighted(name: string, intent: ScoredIntent, phrases: Weighted | undefined) {
  const entry = (weight: number) => (phrase: string) => ({ phrase, value: { intent, weight, signal: `${intent}:${name}:${phrase}` } });
  return [
    ...(phrases?.decisive ?? []).map(entry(DECISIVE)),
    ...(phrases?.strong ?? []).map(entry(STRONG)),
    ...(phrases?.weak ?? []).map(entry(WEAK)),
  ];
}

const INTENT_PHRASES = compilePhrases<Hit>(
  LEXICONS.flatMap((lexicon) => [
    ...INTENT_PRIORITY.flatMap((intent) => weighted(lexicon.name, intent, lexicon.intents?.[intent])),
    // Greetings take part so that "received my order, thanks" is read as thanks, not as "my order".
    ...(lexicon.greetings ?? []).map((phrase) => ({
      phrase,
      value: { intent: "greeting" as const, weight: 0, signal: `greeting:${lexicon.name}:${phrase}` },
    })),
  ]),
);

const GREETING_NOISE = compilePhrases(
  LEXICONS.flatMap((lexicon) =>
    [...(lexicon.greetings ?? []), ...(lexicon.fillers ?? []), ...(lexicon.positive?.strong ?? []), ...(lexicon.positive?.weak ?? [])].map(
      (phrase) => ({ phrase, value: null }),
    ),
  ),
);
const LETTER = /\p{L}/gu;
const QUESTION = /[?？]/u;

function isOnlyGreeting(text: NormalizedText): boolean {
  const leftover = removePhrases(GREETING_NOISE, text.lower);
  const limit = QUESTION.test(text.original) ? MAX_GREETING_LEFTOVER : MAX_GREETING_LEFTOVER_NO_QUESTION;
  return (leftover.match(LETTER)?.length ?? 0) <= limit;
}

export function decideIntent(text: NormalizedText, orderIdCount: number, signals: string[]): Intent {
  const scores: Record<ScoredIntent, number> = { human: 0, cancel: 0, refund: 0, change_order: 0, order_status: 0, shipping: 0 };
  const seen = new Set<string>();
  let greeted = false;
  for (const hit of findPhrases(INTENT_PHRASES, text.lower)) {
    if (seen.has(hit.signal)) continue;
    seen.add(hit.signal);
    signals.push(hit.signal);
    if (hit.intent === "greeting") greeted = true;
    else scores[hit.intent] = Math.max(scores[hit.intent], hit.weight);
  }
  let best: ScoredIntent | null = null;
  for (const intent of INTENT_PRIORITY) {
    if (scores[intent] > 0 && (best === null || scores[intent] > scores[best])) best = intent;
  }
  if (best) return best;
  if (orderIdCount > 0) {
    signals.push("order_status:order_id");
    return "order_status";
  }
  if (greeted && isOnlyGreeting(text)) return "greeting";
  return "other";
}

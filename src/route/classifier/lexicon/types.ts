/** The shape of one language's keyword data; `../phrases.ts` explains how a phrase is written. */
import type { Intent, Language } from "../types.ts";

/**
 * Strong phrases weigh 2 and decide on their own; weak ones weigh 1 and need company. Decisive
 * ones (3, intents only) overrule strong ones: "if I order today, when does it arrive" is about
 * shipping even though "when does it arrive" alone asks after an order.
 */
export interface Weighted {
  readonly decisive?: readonly string[];
  readonly strong?: readonly string[];
  readonly weak?: readonly string[];
}

export type ScoredIntent = Exclude<Intent, "greeting" | "other">;

export interface Lexicon {
  /** Names the source in signals: a language code, or "emoji". */
  readonly name: string;
  /** The language these words are evidence for. */
  readonly language?: Exclude<Language, "unknown">;
  /** Words and short word sequences common in this language and rare in the others; plain words, no regex. */
  readonly markers?: readonly string[];
  /** Words that announce an order number ("order", "đơn hàng", "pesanan"). */
  readonly orderWords?: readonly string[];
  /** Words allowed between an order word and its number ("no", "number", "của em"). */
  readonly orderConnectors?: readonly string[];
  readonly intents?: Partial<Record<ScoredIntent, Weighted>>;
  /** Greetings, thanks and "received it": the message is a greeting only if nothing else is asked. */
  readonly greetings?: readonly string[];
  /** Words that carry no request next to a greeting ("shop", "kak", "ค่ะ"). */
  readonly fillers?: readonly string[];
  readonly negative?: Weighted;
  readonly positive?: Weighted;
  /** "not arrived yet": negative only together with a long wait. */
  readonly delays?: readonly string[];
  /** Time units in days, keyed by phrase ("weeks?": 7). */
  readonly waitUnits?: Readonly<Record<string, number>>;
  /** Number words before a unit ("two": 2, "hai": 2, "สอง": 2). */
  readonly numberWords?: Readonly<Record<string, number>>;
  /** Waits with no number ("ages", "lâu lắm rồi"), in days. */
  readonly longWaits?: Readonly<Record<string, number>>;
}

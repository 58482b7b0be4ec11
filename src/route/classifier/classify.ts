/**
 * The built-in classifier: pure, synchronous and offline, so the routing engine can call it
 * for every inbound message. Same text and options, same answer.
 */
import { decideIntent } from "./intent.ts";
import { detectLanguage } from "./language.ts";
import { type NormalizedText, normalizeText } from "./normalize.ts";
import { findOrderIds } from "./order-ids.ts";
import { decideSentiment } from "./sentiment.ts";
import type { Classification, ClassifyOptions } from "./types.ts";

/** Longer texts are cut: the cost of a message stays bounded, and a DM's point is in its start. */
export const MAX_CLASSIFIED_LENGTH = 2000;

function normalizedInput(text: string): NormalizedText {
  return normalizeText(typeof text === "string" ? text.slice(0, MAX_CLASSIFIED_LENGTH) : "");
}

export function classify(text: string, options?: ClassifyOptions): Classification {
  const normalized = normalizedInput(text);
  const signals: string[] = [];
  const orderIds = findOrderIds(normalized, options, signals);
  const language = detectLanguage(normalized, signals);
  const intent = decideIntent(normalized, orderIds.length, signals);
  const sentiment = decideSentiment(normalized, intent, signals);
  return { intent, sentiment, language, orderIds, signals: [...new Set(signals)] };
}

/** Only the order numbers, by the same rules; for callers that label a message some other way. */
export function extractOrderIds(text: string, options?: ClassifyOptions): Pick<Classification, "orderIds" | "signals"> {
  const signals: string[] = [];
  const orderIds = findOrderIds(normalizedInput(text), options, signals);
  return { orderIds, signals };
}

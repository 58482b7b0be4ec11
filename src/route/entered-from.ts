/**
 * The chat's context in the classification: a buyer who opened the chat from an order and
 * names no order number means that order (TikTok Shop's `BUYER_ENTER_FROM_ORDER`), so the
 * rules can look it up without asking; a product is kept as a signal, shown with the
 * decision and the ticket. Pure.
 */
import type { Classification } from "./classifier/types.ts";

export interface ChatContext {
  source: "product" | "order" | "transfer";
  refId: string | null;
}

export function withEnteredFrom(classification: Classification, entered: ChatContext | null): Classification {
  if (!entered?.refId) return classification;
  const signal = `context:entered_from_${entered.source}:${entered.refId}`;
  const signals = [...classification.signals, signal];
  if (entered.source === "order" && classification.orderIds.length === 0) {
    return { ...classification, orderIds: [entered.refId], signals };
  }
  return { ...classification, signals };
}

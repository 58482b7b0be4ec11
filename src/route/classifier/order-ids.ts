/**
 * Order numbers in a message (CONTRACT.md, "Inbox, CRM and routing"): a TikTok Shop order id
 * (any standalone 17–19 digit number), or 6 to 20 digits right after an order word in English,
 * Vietnamese, Thai or Indonesian ("order no.", "đơn hàng", "คำสั่งซื้อ", "pesanan") or after "#",
 * plus the workspace's own patterns. Digits after a phone word or before a currency never
 * qualify: the order word must lead to the number through connectors only ("no", "của em").
 */
import { LEXICONS } from "./lexicon/index.ts";
import type { NormalizedText } from "./normalize.ts";
import { resolveOrderPatterns } from "./order-patterns.ts";
import { phraseSource } from "./phrases.ts";
import type { ClassifyOptions } from "./types.ts";

/** A message listing more numbers than this is a paste, not a question about orders. */
export const MAX_ORDER_IDS = 10;

function alternation(phrases: readonly string[]): string {
  return [...new Set(phrases)]
    .sort((a, b) => b.length - a.length)
    .map((phrase) => phraseSource(phrase))
    .join("|");
}

const ORDER_WORDS = alternation(LEXICONS.flatMap((lexicon) => lexicon.orderWords ?? []));
const CONNECTORS = alternation(LEXICONS.flatMap((lexicon) => lexicon.orderConnectors ?? []));
const GAP = "[\\s:#.\\-=(]*";
/** "299000đ", "150000 rp", "1500000,00": prices, not ids. `đ` is already folded to `d`; "dong" is left out, it is also Indonesian for "please". */
const NOT_A_PRICE = "(?!\\s*(?:d|vnd|k|rp|rb|ribu|jt|juta|tr|trieu|baht|บาท|usd|thb|idr|\\$)(?![a-z]))(?![.,]\\d)";

const AFTER_ORDER_WORD = new RegExp(`(?:${ORDER_WORDS})(?:${GAP}(?:${CONNECTORS}))*${GAP}(\\d{6,20})(?!\\d)${NOT_A_PRICE}`, "gu");
/** "orders 1234567 and 1234568": numbers listed after one that followed an order word. */
const LISTED_NEXT = new RegExp(`\\s*(?:[,&/+]|(?:and|or|va|dan|atau)(?![a-z])|และ|กับ|หรือ)\\s*#?\\s*(\\d{6,20})(?!\\d)${NOT_A_PRICE}`, "uy");
const AFTER_HASH = new RegExp(`(?<![a-z0-9&#])#\\s?(\\d{6,20})(?!\\d)${NOT_A_PRICE}`, "gu");
const TIKTOK_ID = /(?<![0-9+])(\d{17,19})(?!\d)/gu;
/** A listed number shaped like a local mobile number is more likely the buyer's phone. */
const PHONE_SHAPED = /^0\d{8,11}$/;
/**
 * After an order word, a mobile number (0 then 3–9: Vietnam, Thailand, Indonesia, the
 * Philippines) is the buyer's phone ("đơn hàng 0912345678 giao giúp em"), and a round number of
 * thousands is the order's amount ("đơn 250000 mà ship 30000": dong and rupiah prices are
 * whole thousands; an id ends in 000 one time in a thousand). TikTok Shop ids are not checked.
 */
const MOBILE_SHAPED = /^0[3-9]\d{8,10}$/;
const ROUND_AMOUNT = /^\d{3,6}000$/;
const notAnId = (id: string) => MOBILE_SHAPED.test(id) || ROUND_AMOUNT.test(id);

type Found = { at: number; id: string };

function collect(regex: RegExp, text: string, kind: string, found: Found[], kinds: Set<string>): void {
  regex.lastIndex = 0;
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    const id = match[1];
    if (!id) continue;
    if (regex === AFTER_ORDER_WORD && notAnId(id)) continue;
    found.push({ at: match.index + match[0].length - id.length, id });
    kinds.add(kind);
    if (regex === AFTER_ORDER_WORD) collectListed(regex.lastIndex, text, found, kinds);
  }
}

function collectListed(from: number, text: string, found: Found[], kinds: Set<string>): void {
  LISTED_NEXT.lastIndex = from;
  for (let match = LISTED_NEXT.exec(text); match !== null; match = LISTED_NEXT.exec(text)) {
    const id = match[1] as string;
    if (PHONE_SHAPED.test(id)) return;
    if (ROUND_AMOUNT.test(id)) continue;
    found.push({ at: LISTED_NEXT.lastIndex - id.length, id });
    kinds.add("list");
  }
}

/** Ids from the built-in rules in text order, then the workspace's; no duplicates. */
export function findOrderIds(text: NormalizedText, options: ClassifyOptions | undefined, signals: string[]): string[] {
  const found: Found[] = [];
  const kinds = new Set<string>();
  collect(AFTER_ORDER_WORD, text.folded, "keyword", found, kinds);
  collect(AFTER_HASH, text.folded, "hash", found, kinds);
  collect(TIKTOK_ID, text.folded, "tiktok", found, kinds);
  found.sort((a, b) => a.at - b.at);

  for (const { regex } of resolveOrderPatterns(options, signals)) {
    // RE2 steps past empty matches itself; the text is already cut to MAX_CLASSIFIED_LENGTH.
    for (const match of regex.matchAll(text.original)) {
      const id = match[1]?.trim();
      if (!id) continue;
      found.push({ at: Number.MAX_SAFE_INTEGER, id });
      kinds.add("workspace");
    }
  }

  for (const kind of kinds) signals.push(`order_id:${kind}`);
  return [...new Set(found.map((entry) => entry.id))].slice(0, MAX_ORDER_IDS);
}

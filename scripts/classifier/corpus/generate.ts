/**
 * The training corpus: templates written for this project (`<language>.txt`) filled from
 * `slots.ts` by a seeded generator, plus the tuning split of the older labelled set
 * (`test/classifier/labelled.json`, also written for this project). Never the frozen held-out
 * set. Same seed, same corpus, in the same order.
 */
import { readFileSync } from "node:fs";
import { foldText } from "../../../src/route/classifier/normalize.ts";
import { INTENTS, type Intent, type Language, SENTIMENTS, type Sentiment } from "../../../src/route/classifier/types.ts";
import { HELDOUT_FILES, loadHeldoutSet, loadLabelledSet } from "../../../test/classifier/evaluate.ts";
import { SLOTS, type SlotLanguage, type Slots } from "./slots.ts";

export interface CorpusItem {
  text: string;
  language: Exclude<Language, "unknown">;
  /** `vi-nodiac` is Vietnamese typed without diacritics; `labelled` marks labelled.json items. */
  source: "en" | "vi" | "vi-nodiac" | "th" | "id" | "labelled";
  intent: Intent;
  sentiment: Sentiment;
  /**
   * Which template (`vi:12`, shared by its no-diacritics copies), hand-written natural message
   * (`natural:vi:3`, shared by its copies) or labelled row it came from: the dev split keeps groups whole.
   */
  group: string;
}

/** Hand-written natural messages, one per line (`natural-<source>.txt`): no slots, each written once. */
const NATURAL_SOURCES = ["en", "vi", "vi-nodiac", "th", "id"] as const;
/**
 * The rounds of hand-written messages: `natural-<source>.txt`, then `natural-round3-<source>.txt`
 * (friendly greetings with emoji and punctuation, sarcasm, facts that are complaints, prices and
 * phones that are not order ids), then `natural-round4-<source>.txt` (plain neutral statements of
 * fact, product, stock, payment, voucher and policy questions, indirect asks for a person, changes
 * before shipping against returns after receiving). A round's groups are `natural:<source>:<index>`
 * with the round's tag.
 */
const NATURAL_ROUNDS = [
  { file: "natural", tag: "" },
  { file: "natural-round3", tag: "round3:" },
  { file: "natural-round4", tag: "round4:" },
] as const;

/** mulberry32: small, fast, and the same sequence on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Template {
  intent: Intent;
  sentiment: Sentiment;
  text: string;
}

function loadTemplates(
  language: SlotLanguage | `${(typeof NATURAL_ROUNDS)[number]["file"]}-${(typeof NATURAL_SOURCES)[number]}`,
): Template[] {
  const text = readFileSync(new URL(`./${language}.txt`, import.meta.url), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() && !line.startsWith("#"))
    .map((line) => {
      const [intent, sentiment, ...rest] = line.split("|");
      if (!INTENTS.includes(intent as Intent) || !SENTIMENTS.includes(sentiment as Sentiment)) {
        throw new Error(`${language}.txt: bad labels in "${line}"`);
      }
      return { intent: intent as Intent, sentiment: sentiment as Sentiment, text: rest.join("|") };
    });
}

/** Fills per template: enough variety without one template drowning the others. */
const FILLS_PER_TEMPLATE = 5;

function fill(template: Template, slots: Slots, random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const digits = (length: number) => {
    let out = String(1 + Math.floor(random() * 9));
    while (out.length < length) out += String(Math.floor(random() * 10));
    return out;
  };
  // TikTok Shop order ids: 18 digits starting 57 or 58; others: 8 to 12 digits.
  const tiktokId = () => `5${random() < 0.5 ? 7 : 8}${digits(16)}`;
  const orderId = () => (random() < 0.5 ? tiktokId() : digits(8 + Math.floor(random() * 5)));
  const money = () => pick(slots.money).replace("{n}", String(pick(slots.amounts)));
  const chosen = new Map<string, string>();
  const value = (slot: string): string => {
    switch (slot) {
      case "city2":
        return pick(slots.city.filter((entry) => entry !== chosen.get("city")));
      case "item":
      case "color":
      case "size":
      case "city":
      case "courier":
      case "when":
      case "weekday":
      case "address":
        return pick(slots[slot]);
      case "item2":
      case "color2":
      case "size2": {
        const base = slot.slice(0, -1) as "item" | "color" | "size";
        const other = slots[base].filter((entry) => entry !== chosen.get(base));
        return pick(other);
      }
      case "days":
        return String(3 + Math.floor(random() * 18));
      case "qty":
        return String(1 + Math.floor(random() * 3));
      case "qty2":
        return String(Number(chosen.get("qty") ?? 1) + 1 + Math.floor(random() * 2));
      case "pct":
        return pick(["30", "40", "50", "70"]);
      case "price":
      case "price2":
      case "fee":
        return money();
      case "phone":
        return pick(slots.phones);
      case "oid":
        return pick(slots.orderWords).replace("{n}", orderId());
      case "oidbare":
        return tiktokId();
      default:
        throw new Error(`unknown slot {${slot}} in "${template.text}"`);
    }
  };
  const text = template.text.replace(/\{(\w+)\}/g, (_, slot: string) => {
    const got = value(slot);
    chosen.set(slot, got);
    return got;
  });
  return dress(text, template.sentiment, slots, random);
}

/** Openers and closers that never change the label, and the odd change of case. */
function dress(body: string, sentiment: Sentiment, slots: Slots, random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const opener = pick(slots.openers);
  const closer = sentiment === "negative" && random() < 0.4 ? pick(slots.angryClosers) : pick(slots.closers);
  let text = `${opener}${body}${closer}`;
  if (random() < 0.15) text = text.toLowerCase();
  else if (random() < 0.1) text = text.charAt(0).toUpperCase() + text.slice(1);
  return text;
}

/** How buyers shorten Vietnamese typed without diacritics; each applied to about half the messages. */
const TEEN_CODE: readonly [RegExp, string][] = [
  [/\bkhong\b/g, "ko"],
  [/\bduoc\b/g, "dc"],
  [/\broi\b/g, "r"],
  [/\bem\b/g, "e"],
  [/\bvay\b/g, "v"],
  [/\bvoi\b/g, "vs"],
  [/\bgi\b/g, "j"],
  [/\bhom qua\b/g, "hqua"],
  [/\bbao nhieu\b/g, "bn"],
  [/\btra loi\b/g, "rep"],
];

export function withoutDiacritics(text: string, random: () => number): string {
  let out = foldText(text);
  for (const [pattern, short] of TEEN_CODE) if (random() < 0.5) out = out.replace(pattern, short);
  return out;
}

export function buildCorpus(seed: number): CorpusItem[] {
  const random = seededRandom(seed);
  const items: CorpusItem[] = [];
  // A stock phrase ("halo kak") can come out of a template exactly as a held-out message
  // reads: it is dropped, so that the held-out set is never trained on, even by coincidence.
  const key = (text: string) => foldText(text).replace(/\s+/g, " ").trim();
  const heldout = new Set(HELDOUT_FILES.flatMap((file) => loadHeldoutSet(file)).map((item) => key(item.text)));
  const seen = new Set<string>();
  const add = (item: CorpusItem) => {
    if (seen.has(item.text) || heldout.has(key(item.text))) return;
    seen.add(item.text);
    items.push(item);
  };
  for (const language of ["en", "vi", "th", "id"] as const) {
    const slots = SLOTS[language];
    for (const [index, template] of loadTemplates(language).entries()) {
      const group = `${language}:${index}`;
      for (let n = 0; n < FILLS_PER_TEMPLATE; n++) {
        const text = fill(template, slots, random);
        add({ text, language, source: language, intent: template.intent, sentiment: template.sentiment, group });
        if (language === "vi") {
          const plain = withoutDiacritics(fill(template, slots, random), random);
          add({ text: plain, language, source: "vi-nodiac", intent: template.intent, sentiment: template.sentiment, group });
        }
      }
    }
  }
  // Hand-written natural messages: each as written, once more dressed with an opener or a
  // closer, and the Vietnamese ones once more typed without diacritics.
  for (const round of NATURAL_ROUNDS) {
    for (const source of NATURAL_SOURCES) {
      const language = source === "vi-nodiac" ? "vi" : source;
      const slots = SLOTS[language];
      for (const [index, message] of loadTemplates(`${round.file}-${source}`).entries()) {
        const group = `natural:${round.tag}${source}:${index}`;
        const base = { language, intent: message.intent, sentiment: message.sentiment, group } as const;
        add({ ...base, text: message.text, source });
        const dressed = dress(message.text, message.sentiment, slots, random);
        add({ ...base, text: source === "vi-nodiac" ? withoutDiacritics(dressed, random) : dressed, source });
        if (source === "vi") add({ ...base, text: withoutDiacritics(message.text, random), source: "vi-nodiac" });
      }
    }
  }
  for (const [index, item] of loadLabelledSet().entries()) {
    if (item.split !== "tune" || item.language === "unknown") continue;
    add({
      text: item.text,
      language: item.language,
      source: "labelled",
      intent: item.intent,
      sentiment: item.sentiment,
      group: `labelled:${index}`,
    });
  }
  return items;
}

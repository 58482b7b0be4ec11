/**
 * The live-sale burst as data, before anything is sent: who writes (distinct buyers on every
 * platform, some writing twice), in which language, what about, and when. Pure and seeded, so
 * a run's mix is reproducible and the tests can check it.
 */
import { prng, orderId as randomOrderId, TEXTS, type TextKind, type TextTemplate } from "../../bench/texts.ts";
import type { Platform } from "../../src/events/schema.ts";

export type Lang = TextTemplate["lang"];

export interface Buyer {
  index: number;
  platform: Platform;
  lang: Lang;
  name: string;
}

export interface PlannedDm {
  /** Send order. */
  index: number;
  /** Milliseconds after the burst starts. */
  atMs: number;
  buyer: Buyer;
  /** The buyer's second message. */
  followUp: boolean;
  kind: TextKind;
  text: string;
  orderId: string | null;
}

export interface Plan {
  buyers: Buyer[];
  dms: PlannedDm[];
}

type Weights<K extends string> = readonly (readonly [K, number])[];

/** A live sale runs on TikTok first; the shop's other channels bring the rest. */
const PLATFORM_WEIGHTS: Weights<Platform> = [
  ["tiktok", 34],
  ["whatsapp", 14],
  ["messenger", 10],
  ["instagram", 10],
  ["line", 8],
  ["telegram", 8],
  ["zalo", 8],
  ["x", 8],
];

/** Who uses which platform in the shop's markets (Vietnam, Thailand, Indonesia, and English speakers). */
const LANG_WEIGHTS: Readonly<Record<Platform, Weights<Lang>>> = {
  tiktok: [
    ["vi", 3],
    ["th", 3],
    ["id", 3],
    ["en", 2],
  ],
  whatsapp: [
    ["id", 4],
    ["en", 3],
    ["vi", 1],
    ["th", 1],
  ],
  messenger: [
    ["vi", 4],
    ["en", 3],
    ["id", 1],
    ["th", 1],
  ],
  instagram: [
    ["en", 4],
    ["id", 3],
    ["th", 1],
    ["vi", 1],
  ],
  line: [
    ["th", 7],
    ["en", 3],
  ],
  telegram: [
    ["en", 2],
    ["vi", 1],
    ["id", 1],
  ],
  zalo: [["vi", 1]],
  x: [
    ["en", 7],
    ["id", 3],
  ],
};

/** What buyers write first during a live sale. */
const FIRST_KINDS: Weights<TextKind> = [
  ["order_id", 28],
  ["greeting", 16],
  ["size_change", 14],
  ["complaint", 10],
  ["shipping", 10],
  ["order_no_id", 8],
  ["refund", 5],
  ["cancel", 5],
  ["human", 4],
];

/** What a buyer writes next: mostly the order number, or a change to what they just bought. */
const FOLLOW_UP_KINDS: Weights<TextKind> = [
  ["order_id", 50],
  ["size_change", 20],
  ["shipping", 10],
  ["complaint", 10],
  ["human", 10],
];

const NAMES: Readonly<Record<Lang, readonly string[]>> = {
  en: ["Maria", "Jess", "Sam", "Alex", "Grace", "Ken"],
  vi: ["Linh", "Anh Tuấn", "Hà", "Minh", "Thảo", "Quân"],
  th: ["Somchai", "Nok", "Ploy", "Arthit", "Fah", "Mali"],
  id: ["Putri", "Budi", "Dewi", "Rizky", "Sari", "Agus"],
};

/** Share of slots that are a buyer's second message. */
const FOLLOW_UP_SHARE = 0.2;
/** A follow-up comes at least this long after the buyer's first message. */
const FOLLOW_UP_GAP_MS = 3000;

function pick<K extends string>(weights: Weights<K>, random: () => number): K {
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [key, weight] of weights) {
    roll -= weight;
    if (roll < 0) return key;
  }
  const last = weights[weights.length - 1];
  if (!last) throw new Error("no weights");
  return last[0];
}

/**
 * When each of `count` DMs is sent over `seconds`: the rate climbs for the first quarter (the
 * host announces the deal), then holds. Slot i sits at quantile (i + ½)/count of that shape.
 */
export function arrivalOffsets(count: number, seconds: number): number[] {
  const total = seconds * 1000;
  const ramp = total / 4;
  const area = total - ramp / 2;
  return Array.from({ length: count }, (_, i) => {
    const target = ((i + 0.5) / count) * area;
    const t = target <= ramp / 2 ? Math.sqrt(2 * ramp * target) : target + ramp / 2;
    return Math.round(t);
  });
}

function textFor(lang: Lang, kind: TextKind, random: () => number): { text: string; orderId: string | null } {
  const choices = TEXTS.filter((template) => template.lang === lang && template.kind === kind);
  const template = choices[Math.floor(random() * choices.length)] ?? TEXTS[0];
  if (!template) throw new Error("no texts");
  if (!template.text.includes("{order}")) return { text: template.text, orderId: null };
  const orderId = randomOrderId(random);
  return { text: template.text.replace("{order}", orderId), orderId };
}

export function planTraffic(options: { dms: number; seconds: number; seed: number }): Plan {
  const random = prng(options.seed);
  const buyers: Buyer[] = [];
  const dms: PlannedDm[] = [];
  /** Buyers who may still write a second time, oldest first. */
  const waiting: { buyer: Buyer; atMs: number }[] = [];
  for (const [index, atMs] of arrivalOffsets(options.dms, options.seconds).entries()) {
    // `waiting` is in time order, so the buyers who wrote long enough ago are a prefix of it.
    let ready = 0;
    while (ready < waiting.length && atMs - (waiting[ready]?.atMs ?? atMs) >= FOLLOW_UP_GAP_MS) ready += 1;
    const candidate = ready > 0 && random() < FOLLOW_UP_SHARE ? waiting.splice(Math.floor(random() * ready), 1)[0] : undefined;
    if (candidate) {
      const kind = pick(FOLLOW_UP_KINDS, random);
      dms.push({ index, atMs, buyer: candidate.buyer, followUp: true, kind, ...textFor(candidate.buyer.lang, kind, random) });
      continue;
    }
    const platform = pick(PLATFORM_WEIGHTS, random);
    const lang = pick(LANG_WEIGHTS[platform], random);
    const names = NAMES[lang];
    const buyer: Buyer = { index: buyers.length, platform, lang, name: `${names[buyers.length % names.length]} ${buyers.length + 1}` };
    buyers.push(buyer);
    const kind = pick(FIRST_KINDS, random);
    dms.push({ index, atMs, buyer, followUp: false, kind, ...textFor(lang, kind, random) });
    waiting.push({ buyer, atMs });
  }
  return { buyers, dms };
}

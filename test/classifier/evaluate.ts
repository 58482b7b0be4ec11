/**
 * Scores a classifier against the labelled set in this folder. Shared by
 * `scripts/eval-classifier.ts` (the report) and the unit test (the product targets).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { type Classification, INTENTS, type Intent, LANGUAGES, SENTIMENTS } from "../../src/route/classifier/index.ts";
import { decide } from "../../src/route/engine.ts";
import { DEFAULT_RULE_SET, type RuleSet } from "../../src/route/rules.ts";

/** What the product promises on the whole set: angry buyers reach a person, order replies name the right order. */
export const PRODUCT_TARGETS = { negativeRecall: 0.9, orderIdPrecision: 0.98, orderIdRecall: 0.98 } as const;

export const LabelledItemSchema = z.strictObject({
  split: z.enum(["tune", "holdout"]),
  language: z.enum(LANGUAGES),
  intent: z.enum(INTENTS),
  sentiment: z.enum(SENTIMENTS),
  orderIds: z.array(z.string().regex(/^\d{6,20}$/)),
  text: z.string().min(1),
});
export type LabelledItem = z.infer<typeof LabelledItemSchema>;

export function loadLabelledSet(): LabelledItem[] {
  const text = readFileSync(new URL("./labelled.json", import.meta.url), "utf8");
  return z.array(LabelledItemSchema).parse(JSON.parse(text));
}

export const VARIANTS = ["en", "vi", "vi-nodiac", "th", "id"] as const;
export type Variant = (typeof VARIANTS)[number];

/** The frozen held-out sets (`heldout.json` to `heldout-5.json`, see HELDOUT.md): measured only, never trained or tuned on. */
export const HeldoutItemSchema = z.strictObject({
  language: z.enum(LANGUAGES),
  variant: z.enum(VARIANTS),
  intent: z.enum(INTENTS),
  sentiment: z.enum(SENTIMENTS),
  orderIds: z.array(z.string().regex(/^\d{6,20}$/)),
  text: z.string().min(1),
});
export type HeldoutItem = z.infer<typeof HeldoutItemSchema>;

export const HELDOUT_FILES = ["heldout.json", "heldout-2.json", "heldout-3.json", "heldout-4.json", "heldout-5.json"] as const;
export type HeldoutFile = (typeof HELDOUT_FILES)[number];

/** The held-out file a name on the command line means (`heldout-3`, `heldout-3.json`), or null. */
export function heldoutFileNamed(name: string): HeldoutFile | null {
  const file = name.endsWith(".json") ? name : `${name}.json`;
  return HELDOUT_FILES.find((known) => known === file) ?? null;
}

export function loadHeldoutSet(file: HeldoutFile = "heldout.json"): HeldoutItem[] {
  const text = readFileSync(new URL(`./${file}`, import.meta.url), "utf8");
  return z.strictObject({ about: z.string(), items: z.array(HeldoutItemSchema) }).parse(JSON.parse(text)).items;
}

/** What issue 16 asks of the held-out set, in every language variant. */
export const HELDOUT_TARGETS = {
  negativeRecall: 0.85,
  negativePrecision: 0.8,
  intentAccuracy: 0.9,
  orderIds: 0.98,
  languageAccuracy: 0.98,
};

/** Fields both labelled sets share, which is all `evaluate` reads. */
export type ScoredItem = Pick<LabelledItem, "text" | "language" | "intent" | "sentiment" | "orderIds">;

export interface Rate {
  /** NaN when nothing was predicted. */
  precision: number;
  /** NaN when the set holds no example. */
  recall: number;
  /** Labelled examples. */
  support: number;
}

export interface Failure {
  item: ScoredItem;
  got: Classification;
  /** The fields that differ: intent, sentiment, language, orderIds. */
  wrong: string[];
}

export interface Report {
  items: number;
  intents: Record<Intent, Rate>;
  intentAccuracy: number;
  negative: Rate;
  sentimentAccuracy: number;
  orderIds: Rate;
  languageAccuracy: number;
  failures: Failure[];
}

function rate(truePositives: number, predicted: number, support: number): Rate {
  return { precision: predicted ? truePositives / predicted : Number.NaN, recall: support ? truePositives / support : Number.NaN, support };
}

function counter() {
  return { truePositives: 0, predicted: 0, support: 0 };
}

export function evaluate(items: readonly ScoredItem[], classify: (text: string) => Classification): Report {
  const intents = Object.fromEntries(INTENTS.map((intent) => [intent, counter()])) as Record<Intent, ReturnType<typeof counter>>;
  const negative = counter();
  const ids = counter();
  let intentHits = 0;
  let sentimentHits = 0;
  let languageHits = 0;
  const failures: Failure[] = [];

  for (const item of items) {
    const got = classify(item.text);
    const wrong: string[] = [];

    intents[item.intent].support++;
    intents[got.intent].predicted++;
    if (got.intent === item.intent) {
      intents[item.intent].truePositives++;
      intentHits++;
    } else wrong.push("intent");

    if (item.sentiment === "negative") negative.support++;
    if (got.sentiment === "negative") negative.predicted++;
    if (got.sentiment === "negative" && item.sentiment === "negative") negative.truePositives++;
    if (got.sentiment === item.sentiment) sentimentHits++;
    else wrong.push("sentiment");

    if (got.language === item.language) languageHits++;
    else wrong.push("language");

    const expected = new Set(item.orderIds);
    const found = new Set(got.orderIds);
    ids.support += expected.size;
    ids.predicted += found.size;
    for (const id of found) if (expected.has(id)) ids.truePositives++;
    if (expected.size !== found.size || [...found].some((id) => !expected.has(id))) wrong.push("orderIds");

    if (wrong.length > 0) failures.push({ item, got, wrong });
  }

  const total = items.length || 1;
  return {
    items: items.length,
    intents: Object.fromEntries(
      INTENTS.map((intent) => [intent, rate(intents[intent].truePositives, intents[intent].predicted, intents[intent].support)]),
    ) as Record<Intent, Rate>,
    intentAccuracy: intentHits / total,
    negative: rate(negative.truePositives, negative.predicted, negative.support),
    sentimentAccuracy: sentimentHits / total,
    orderIds: rate(ids.truePositives, ids.predicted, ids.support),
    languageAccuracy: languageHits / total,
    failures,
  };
}

/** The targets `report` misses, as sentences; empty when all are met. */
export function missedTargets(report: Report): string[] {
  const missed: string[] = [];
  const below = (value: number, target: number) => !(value >= target);
  if (below(report.negative.recall, PRODUCT_TARGETS.negativeRecall))
    missed.push(`negative recall ${fixed(report.negative.recall)} < ${PRODUCT_TARGETS.negativeRecall}`);
  if (below(report.orderIds.precision, PRODUCT_TARGETS.orderIdPrecision)) {
    missed.push(`order id precision ${fixed(report.orderIds.precision)} < ${PRODUCT_TARGETS.orderIdPrecision}`);
  }
  if (below(report.orderIds.recall, PRODUCT_TARGETS.orderIdRecall))
    missed.push(`order id recall ${fixed(report.orderIds.recall)} < ${PRODUCT_TARGETS.orderIdRecall}`);
  return missed;
}

/** One report per language variant, in `VARIANTS` order. */
export function evaluateByVariant(
  items: readonly HeldoutItem[],
  classify: (text: string) => Classification,
): { variant: Variant; report: Report }[] {
  return VARIANTS.map((variant) => ({
    variant,
    report: evaluate(
      items.filter((item) => item.variant === variant),
      classify,
    ),
  }));
}

/** The held-out targets `report` misses, as sentences; empty when all are met. */
export function missedHeldoutTargets(report: Report): string[] {
  const t = HELDOUT_TARGETS;
  const checks: [string, number, number][] = [
    ["negative recall", report.negative.recall, t.negativeRecall],
    ["negative precision", report.negative.precision, t.negativePrecision],
    ["intent accuracy", report.intentAccuracy, t.intentAccuracy],
    ["order id precision", report.orderIds.precision, t.orderIds],
    ["order id recall", report.orderIds.recall, t.orderIds],
    ["language accuracy", report.languageAccuracy, t.languageAccuracy],
  ];
  return checks.filter(([, value, target]) => !(value >= target)).map(([name, value, target]) => `${name} ${fixed(value)} < ${target}`);
}

/** A Markdown table: the headline figures, one row per language variant and one for all. */
export function formatVariantTable(rows: readonly { variant: string; report: Report }[]): string {
  return [
    "| variant | items | intent acc. | negative P | negative R | sentiment acc. | order id P | order id R | language acc. |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows
      .map(({ variant, report: r }) =>
        [
          variant,
          r.items,
          fixed(r.intentAccuracy),
          fixed(r.negative.precision),
          fixed(r.negative.recall),
          fixed(r.sentimentAccuracy),
          fixed(r.orderIds.precision),
          fixed(r.orderIds.recall),
          fixed(r.languageAccuracy),
        ].join(" | "),
      )
      .map((row) => `| ${row} |`),
  ].join("\n");
}

function fixed(value: number): string {
  return Number.isNaN(value) ? "n/a" : value.toFixed(3);
}

/** A Markdown section: per-intent table, then the headline figures. */
export function formatReport(title: string, report: Report): string {
  const lines = [
    `### ${title} (${report.items} items)`,
    "",
    "| intent | precision | recall | support |",
    "| --- | --- | --- | --- |",
    ...INTENTS.map((intent) => {
      const r = report.intents[intent];
      return `| ${intent} | ${fixed(r.precision)} | ${fixed(r.recall)} | ${r.support} |`;
    }),
    "",
    "| measure | value | support |",
    "| --- | --- | --- |",
    `| intent accuracy | ${fixed(report.intentAccuracy)} | ${report.items} |`,
    `| negative sentiment precision | ${fixed(report.negative.precision)} | ${report.negative.support} |`,
    `| negative sentiment recall | ${fixed(report.negative.recall)} | ${report.negative.support} |`,
    `| sentiment accuracy (3 classes) | ${fixed(report.sentimentAccuracy)} | ${report.items} |`,
    `| order id precision (per id) | ${fixed(report.orderIds.precision)} | ${report.orderIds.support} |`,
    `| order id recall (per id) | ${fixed(report.orderIds.recall)} | ${report.orderIds.support} |`,
    `| language accuracy | ${fixed(report.languageAccuracy)} | ${report.items} |`,
  ];
  return lines.join("\n");
}

export function formatFailures(failures: readonly Failure[], width = 70): string {
  if (failures.length === 0) return "_none_";
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s+/g, " ");
  const cut = (text: string) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
  return [
    "| text | expected | got |",
    "| --- | --- | --- |",
    ...failures.map(({ item, got, wrong }) => {
      const show = (source: Pick<Classification, "intent" | "sentiment" | "language" | "orderIds">) =>
        wrong
          .map((field) => (field === "orderIds" ? `ids=[${source.orderIds.join(",")}]` : `${field}=${source[field as "intent"]}`))
          .join(" ");
      return `| ${cell(cut(item.text))} | ${show(item)} | ${show(got)} |`;
    }),
  ].join("\n");
}

/** The routing trade-off at one `maybe-unhappy` threshold (null: the rule removed). */
export interface TradeoffRow {
  threshold: number | null;
  /** Messages the default rules answer automatically. */
  autoReplies: number;
  /** Of those, complaints (labelled negative): an angry buyer answered by a template. */
  complaintsAutoAnswered: number;
  /** Calm messages (not labelled negative) sent to a person. */
  calmEscalated: number;
  items: number;
  complaints: number;
}

/** What the default rules do with each message at each threshold of `maybe-unhappy`. */
export function routingTradeoff(
  items: readonly ScoredItem[],
  classify: (text: string) => Classification,
  thresholds: readonly (number | null)[],
): TradeoffRow[] {
  const classified = items.map((item) => ({ item, classification: classify(item.text) }));
  return thresholds.map((threshold) => {
    const rules: RuleSet = {
      ...DEFAULT_RULE_SET,
      rules: DEFAULT_RULE_SET.rules.flatMap((rule) =>
        rule.id !== "maybe-unhappy" ? [rule] : threshold === null ? [] : [{ ...rule, when: { negativeAtLeast: threshold } }],
      ),
    };
    const row: TradeoffRow = { threshold, autoReplies: 0, complaintsAutoAnswered: 0, calmEscalated: 0, items: items.length, complaints: 0 };
    for (const { item, classification } of classified) {
      const decision = decide({ text: item.text, channel: "tiktok", classification, isNewContact: false, conversationState: "bot" }, rules);
      const replied = decision.actions.some((a) => a.action.type === "reply_template" || a.action.type === "reply_order_status");
      const escalated = decision.actions.some((a) => a.action.type === "escalate");
      const complaint = item.sentiment === "negative";
      if (complaint) row.complaints++;
      if (replied) row.autoReplies++;
      if (replied && complaint) row.complaintsAutoAnswered++;
      if (escalated && !complaint) row.calmEscalated++;
    }
    return row;
  });
}

export function formatTradeoff(rows: readonly TradeoffRow[]): string {
  const share = (part: number, whole: number) => `${part} (${whole ? Math.round((100 * part) / whole) : 0} %)`;
  return [
    "| maybe-unhappy at P(negative) ≥ | automatic replies | complaints answered by a template | calm messages sent to a person |",
    "| --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.threshold ?? "off (sentiment only)"} | ${share(r.autoReplies, r.items)} | ${share(r.complaintsAutoAnswered, r.complaints)} | ${share(r.calmEscalated, r.items - r.complaints)} |`,
    ),
  ].join("\n");
}

export const TRADEOFF_THRESHOLDS: readonly (number | null)[] = [null, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15];

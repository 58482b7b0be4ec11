import { describe, expect, it } from "vitest";
import { type Classification, classify, INTENTS } from "../../../../src/route/classifier/index.ts";
import {
  evaluate,
  evaluateByVariant,
  HELDOUT_FILES,
  type HeldoutItem,
  loadHeldoutSet,
  missedHeldoutTargets,
  routingTradeoff,
  VARIANTS,
} from "../../../classifier/evaluate.ts";

/**
 * Regression floors, set below what the shipped model measured (never targets, never tuned on):
 * heldout-2.json's negative precision measured 0.790 over all variants on 2026-12-07, below the
 * 0.8 target, so its floor is 0.75 (see README, "The classifier").
 */
const FLOORS = {
  "heldout.json": { negativePrecision: 0.8 },
  "heldout-2.json": { negativePrecision: 0.75 },
} as const;
const sets = HELDOUT_FILES.map((file) => ({ file, items: loadHeldoutSet(file), floors: FLOORS[file] }));
const everything = sets.flatMap((set) => set.items);
const byText = new Map(everything.map((item) => [item.text, item]));

/** Answers each held-out message with its own labels, and a probability that agrees. */
function oracle(text: string): Classification {
  const item = byText.get(text) as HeldoutItem;
  const negative = item.sentiment === "negative";
  return { ...item, signals: [], negativeProbability: negative ? 0.9 : 0.1 };
}

describe("the two frozen held-out sets", () => {
  it("share no message", () => {
    const fold = (text: string) => text.trim().toLowerCase();
    const first = new Set(sets[0]?.items.map((item) => fold(item.text)));
    expect(sets[1]?.items.filter((item) => first.has(fold(item.text))).map((item) => item.text)).toEqual([]);
  });
});

describe.each(sets)("the frozen held-out set $file", ({ items }) => {
  it("has at least 80 messages per language variant, every intent, and complaints in each", () => {
    expect(items.length).toBeGreaterThanOrEqual(400);
    for (const variant of VARIANTS) {
      const own = items.filter((item) => item.variant === variant);
      expect(own.length, variant).toBeGreaterThanOrEqual(80);
      expect(own.filter((item) => item.sentiment === "negative").length, variant).toBeGreaterThanOrEqual(25);
      for (const intent of INTENTS)
        expect(
          own.some((item) => item.intent === intent),
          `${variant} ${intent}`,
        ).toBe(true);
    }
    expect(new Set(items.map((item) => item.text)).size).toBe(items.length);
  });

  it("writes each variant as labelled: Thai in Thai script, Vietnamese without diacritics really without", () => {
    for (const item of items) {
      if (item.variant === "th") expect(item.text, item.text).toMatch(/[\u0e01-\u0e4e]/u);
      if (item.variant === "vi-nodiac") expect(item.text.normalize("NFD"), item.text).not.toMatch(/[\u0300-\u036f]|đ/u);
      expect(item.language).toBe(item.variant === "vi-nodiac" ? "vi" : item.variant);
    }
  });
});

describe.each(sets)("the held-out evaluation of $file", ({ items, floors }) => {
  it("scores a perfect classifier as perfect, and a lazy one as missing the targets", () => {
    for (const { variant, report } of evaluateByVariant(items, oracle)) {
      expect(missedHeldoutTargets(report), variant).toEqual([]);
      expect(report.intentAccuracy).toBe(1);
    }
    const lazy = evaluate(items, () => ({ intent: "other", sentiment: "neutral", language: "en", orderIds: [], signals: [] }));
    expect(lazy.negative.recall).toBe(0);
    expect(missedHeldoutTargets(lazy)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^negative recall 0.000/), expect.stringMatching(/^order id recall/)]),
    );
  });

  it("counts what the default rules do at each threshold of maybe-unhappy", () => {
    const [off, strict] = routingTradeoff(items, oracle, [null, 0.5]);
    expect(off?.complaintsAutoAnswered).toBe(0);
    // Everything "maybe negative" at 0.35: from 0.3 nothing is answered automatically, at 0.4 the rules answer again.
    const unsure = (text: string) => ({ ...oracle(text), sentiment: "neutral" as const, negativeProbability: 0.35 });
    const [low, high] = routingTradeoff(items, unsure, [0.3, 0.4]);
    expect(low?.autoReplies).toBe(0);
    expect(high?.autoReplies).toBeGreaterThan(100);
    expect(high?.complaintsAutoAnswered).toBeGreaterThan(0);
    expect(strict?.autoReplies).toBe(off?.autoReplies);
  });

  it("keeps the shipped classifier above a floor on it (a regression guard, not a target)", () => {
    const report = evaluate(items, (text) => classify(text));
    expect(report.negative.recall).toBeGreaterThanOrEqual(0.8);
    expect(report.negative.precision).toBeGreaterThanOrEqual(floors.negativePrecision);
    expect(report.intentAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(report.orderIds.precision).toBeGreaterThanOrEqual(0.98);
    expect(report.orderIds.recall).toBeGreaterThanOrEqual(0.98);
    expect(report.languageAccuracy).toBeGreaterThanOrEqual(0.98);
  });
});

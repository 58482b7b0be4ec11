import { describe, expect, it } from "vitest";
import { type Classification, classify, INTENTS } from "../../../../src/route/classifier/index.ts";
import {
  evaluate,
  evaluateByVariant,
  HELDOUT_FILES,
  type HeldoutFile,
  type HeldoutItem,
  heldoutFileNamed,
  loadHeldoutSet,
  missedHeldoutTargets,
  routingTradeoff,
  VARIANTS,
} from "../../../classifier/evaluate.ts";

/**
 * Regression floors, set below what the shipped model measured (never targets, never tuned on):
 * heldout-2.json's negative precision measured 0.790 over all variants on 2026-12-07, below the
 * 0.8 target, so its floor is 0.75 (see README, "The classifier"). heldout-3.json measured 0.745
 * when frozen and 0.809 on the model shipped after corpus round 3: its floor, 0.7, is below both.
 * heldout-4.json measured 0.722 on round 3's model and 0.741 after round 4: its floor, 0.7, likewise.
 * heldout-5.json measured 0.695 once, on round 4's model: its floor is 0.65; its intent accuracy,
 * 0.753, is below the 0.8 floor of the others, so its own is 0.7.
 */
const FLOORS: Record<HeldoutFile, { negativePrecision: number; intentAccuracy?: number } | null> = {
  "heldout.json": { negativePrecision: 0.8 },
  "heldout-2.json": { negativePrecision: 0.75 },
  "heldout-3.json": { negativePrecision: 0.7 },
  "heldout-4.json": { negativePrecision: 0.7 },
  "heldout-5.json": { negativePrecision: 0.65, intentAccuracy: 0.7 },
};
/**
 * How big each set is per language variant. heldout-3.json has at least 100 messages per
 * language, its Vietnamese split between the two written forms, so fewer per variant.
 */
const SHAPES: Record<HeldoutFile, { perVariant: number; negativesPerVariant: number }> = {
  "heldout.json": { perVariant: 80, negativesPerVariant: 25 },
  "heldout-2.json": { perVariant: 80, negativesPerVariant: 25 },
  "heldout-3.json": { perVariant: 50, negativesPerVariant: 15 },
  "heldout-4.json": { perVariant: 85, negativesPerVariant: 25 },
  "heldout-5.json": { perVariant: 90, negativesPerVariant: 30 },
};
const sets = HELDOUT_FILES.map((file) => ({ file, items: loadHeldoutSet(file), floors: FLOORS[file], shape: SHAPES[file] }));
const everything = sets.flatMap((set) => set.items);
const byText = new Map(everything.map((item) => [item.text, item]));

/** Answers each held-out message with its own labels, and a probability that agrees. */
function oracle(text: string): Classification {
  const item = byText.get(text) as HeldoutItem;
  const negative = item.sentiment === "negative";
  return { ...item, signals: [], negativeProbability: negative ? 0.9 : 0.1 };
}

describe("the frozen held-out sets", () => {
  it("share no message", () => {
    const fold = (text: string) => text.trim().toLowerCase();
    for (const [index, later] of sets.entries()) {
      const earlier = new Set(sets.slice(0, index).flatMap((set) => set.items.map((item) => fold(item.text))));
      expect(
        later.items.filter((item) => earlier.has(fold(item.text))).map((item) => item.text),
        later.file,
      ).toEqual([]);
    }
  });

  it("are named on the command line with or without .json", () => {
    expect(heldoutFileNamed("heldout-3")).toBe("heldout-3.json");
    expect(heldoutFileNamed("heldout-2.json")).toBe("heldout-2.json");
    expect(heldoutFileNamed("heldout")).toBe("heldout.json");
    expect(heldoutFileNamed("labelled")).toBeNull();
  });
});

describe("the third frozen held-out set (heldout-3.json)", () => {
  const items = loadHeldoutSet("heldout-3.json");

  it("has at least 400 messages, at least 100 per language, and Vietnamese in both written forms", () => {
    expect(items.length).toBeGreaterThanOrEqual(400);
    for (const language of ["en", "vi", "th", "id"] as const) {
      const own = items.filter((item) => item.language === language);
      expect(own.length, language).toBeGreaterThanOrEqual(100);
      // About a third are complaints.
      expect(own.filter((item) => item.sentiment === "negative").length, language).toBeGreaterThanOrEqual(30);
    }
    // Both forms, about half each: with diacritics (nearly every message shows some), and typed without
    // (checked for every message below).
    const withMarks = items.filter((item) => item.variant === "vi");
    const without = items.filter((item) => item.variant === "vi-nodiac");
    expect(withMarks.length).toBeGreaterThanOrEqual(50);
    expect(without.length).toBeGreaterThanOrEqual(50);
    const marked = withMarks.filter((item) => /[\u0300-\u036f]|đ/iu.test(item.text.normalize("NFD")));
    expect(marked.length).toBeGreaterThanOrEqual(0.9 * withMarks.length);
  });

  it("names only real order numbers: every id is in its message", () => {
    for (const item of items) for (const id of item.orderIds) expect(item.text, id).toContain(id);
    expect(items.filter((item) => item.orderIds.length > 0).length).toBeGreaterThanOrEqual(20);
  });
});

describe.each(sets)("the frozen held-out set $file", ({ items, shape }) => {
  it("has enough messages per language variant, every intent, and complaints in each", () => {
    expect(items.length).toBeGreaterThanOrEqual(400);
    for (const variant of VARIANTS) {
      const own = items.filter((item) => item.variant === variant);
      expect(own.length, variant).toBeGreaterThanOrEqual(shape.perVariant);
      expect(own.filter((item) => item.sentiment === "negative").length, variant).toBeGreaterThanOrEqual(shape.negativesPerVariant);
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

  it.skipIf(floors === null)("keeps the shipped classifier above a floor on it (a regression guard, not a target)", () => {
    const report = evaluate(items, (text) => classify(text));
    expect(report.negative.recall).toBeGreaterThanOrEqual(0.8);
    expect(report.negative.precision).toBeGreaterThanOrEqual(floors?.negativePrecision ?? 1);
    expect(report.intentAccuracy).toBeGreaterThanOrEqual(floors?.intentAccuracy ?? 0.8);
    expect(report.orderIds.precision).toBeGreaterThanOrEqual(0.98);
    expect(report.orderIds.recall).toBeGreaterThanOrEqual(0.98);
    expect(report.languageAccuracy).toBeGreaterThanOrEqual(0.98);
  });
});

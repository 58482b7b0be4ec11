import { describe, expect, it } from "vitest";
import { classify, INTENTS } from "../../../../src/route/classifier/index.ts";
import { evaluate, loadLabelledSet, missedTargets, PRODUCT_TARGETS } from "../../../classifier/evaluate.ts";

const items = loadLabelledSet();

describe("labelled set", () => {
  it("covers every language, intent and the cases the product cares about", () => {
    expect(items.length).toBeGreaterThanOrEqual(320);
    for (const language of ["en", "vi", "th", "id"] as const) {
      expect(items.filter((item) => item.language === language).length).toBeGreaterThanOrEqual(75);
    }
    for (const intent of INTENTS) expect(items.filter((item) => item.intent === intent).length).toBeGreaterThanOrEqual(25);
    expect(items.filter((item) => item.sentiment === "negative").length).toBeGreaterThanOrEqual(60);
    expect(items.filter((item) => item.orderIds.length > 0).length).toBeGreaterThanOrEqual(60);
  });

  it("keeps about a quarter of the items held out from tuning", () => {
    const share = items.filter((item) => item.split === "holdout").length / items.length;
    expect(share).toBeGreaterThanOrEqual(0.2);
    expect(share).toBeLessThanOrEqual(0.3);
  });

  it("has no duplicate texts", () => {
    expect(new Set(items.map((item) => item.text)).size).toBe(items.length);
  });
});

describe("product targets on the full labelled set", () => {
  const report = evaluate(items, (text) => classify(text));

  it(`finds at least ${PRODUCT_TARGETS.negativeRecall * 100}% of negative messages`, () => {
    expect(report.negative.recall).toBeGreaterThanOrEqual(PRODUCT_TARGETS.negativeRecall);
  });

  it(`extracts order numbers with precision and recall of at least ${PRODUCT_TARGETS.orderIdPrecision}`, () => {
    expect(report.orderIds.precision).toBeGreaterThanOrEqual(PRODUCT_TARGETS.orderIdPrecision);
    expect(report.orderIds.recall).toBeGreaterThanOrEqual(PRODUCT_TARGETS.orderIdRecall);
  });

  it("agrees with the evaluation script's verdict", () => {
    expect(missedTargets(report)).toEqual([]);
  });
});

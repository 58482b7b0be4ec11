import { describe, expect, it } from "vitest";
import { classify } from "../../../src/route/classifier/index.ts";
import { withEnteredFrom } from "../../../src/route/entered-from.ts";

describe("the chat's context in the classification", () => {
  const question = classify("when will my order arrive?");

  it("gives a question with no order number the order the buyer opened the chat from", () => {
    expect(question.orderIds).toEqual([]);
    const withOrder = withEnteredFrom(question, { source: "order", refId: "576700112233445566" });
    expect(withOrder.orderIds).toEqual(["576700112233445566"]);
    expect(withOrder.signals).toContain("context:entered_from_order:576700112233445566");
  });

  it("keeps the number the buyer wrote over the chat's context", () => {
    const named = classify("where is order 576700112233449999?");
    expect(withEnteredFrom(named, { source: "order", refId: "576700112233445566" }).orderIds).toEqual(["576700112233449999"]);
  });

  it("keeps a product as a signal only, and changes nothing without context", () => {
    const product = withEnteredFrom(question, { source: "product", refId: "1729384756102938475" });
    expect(product.orderIds).toEqual([]);
    expect(product.signals).toContain("context:entered_from_product:1729384756102938475");
    expect(withEnteredFrom(question, null)).toBe(question);
    expect(withEnteredFrom(question, { source: "transfer", refId: null })).toBe(question);
  });
});

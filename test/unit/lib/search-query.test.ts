import { describe, expect, it } from "vitest";
import { normalizeQuery, searchPhrase } from "../../../src/lib/search-query.ts";

describe("searchPhrase", () => {
  it("folds đ the way the index does, trims and collapses spaces", () => {
    expect(normalizeQuery("  Đơn   hàng đâu ")).toBe("dơn hàng dâu");
    expect(searchPhrase("đơn hàng")).toBe('"dơn hàng"');
  });

  it("quotes the text as one phrase, so FTS5 syntax in it is only text", () => {
    expect(searchPhrase('size "M" OR NEAR(a b)*')).toBe('"size ""M"" OR NEAR(a b)*"');
  });

  it("leaves Thai and digits as they are", () => {
    expect(searchPhrase("สั่งซื้อ 576700112233")).toBe('"สั่งซื้อ 576700112233"');
  });
});

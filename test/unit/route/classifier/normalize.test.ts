import { describe, expect, it } from "vitest";
import { canonicalText, foldText, normalizeText } from "../../../../src/route/classifier/normalize.ts";
import { compilePhrases, findPhrases, phraseSource } from "../../../../src/route/classifier/phrases.ts";

describe("normalizeText", () => {
  it("lowercases, keeps emoji and collapses stretched letters", () => {
    const text = normalizeText("HELPPP pleaseeee 😡😡 มากกกก");
    expect(text.lower).toBe("help please 😡😡 มาก");
    expect(text.original).toBe("HELPPP pleaseeee 😡😡 มากกกก");
  });

  it("strips Vietnamese diacritics in the folded copy, đ included", () => {
    expect(normalizeText("Đơn hàng của em đâu rồi ạ").folded).toBe("don hang cua em dau roi a");
    expect(foldText("Hoàn tiền")).toBe("hoan tien");
  });

  it("leaves Thai marks alone and reads Thai digits", () => {
    expect(normalizeText("ขอบคุณค่ะ ๑๒๓๔๕๖๗").folded).toBe("ขอบคุณค่ะ 1234567");
  });

  it("gives both Vietnamese tone placements one spelling", () => {
    expect(canonicalText("hủy")).toBe(canonicalText("huỷ"));
    expect(canonicalText("hòa")).toBe(canonicalText("hoà"));
    expect(canonicalText("khỏe")).toBe(canonicalText("khoẻ"));
  });

  it("composes decomposed input and drops invisible characters", () => {
    expect(normalizeText("d\u01a1\u0301n\u200b").lower).toBe("đớn".replace("đ", "d"));
  });

  it("blanks links, whose numbers are not orders", () => {
    expect(normalizeText("see https://vt.tiktok.com/ZS123456789/ ok").folded).toBe("see   ok");
  });
});

describe("phrases", () => {
  const matcher = compilePhrases([
    { phrase: "đổi size", value: "change" },
    { phrase: "cancel*", value: "cancel" },
    { phrase: "(my )?order", value: "order" },
    { phrase: "ยกเลิก", value: "cancel-th" },
  ]);
  const find = (text: string) => findPhrases(matcher, normalizeText(text).lower);

  it("matches a phrase typed with or without its diacritics, not with others", () => {
    expect(find("đổi size giúp em")).toEqual(["change"]);
    expect(find("doi size giup em")).toEqual(["change"]);
    expect(find("đôi size 38")).toEqual([]);
  });

  it("matches whole Latin words, word endings after *, and Thai anywhere", () => {
    expect(find("cancelled")).toEqual(["cancel"]);
    expect(find("recancel")).toEqual([]);
    expect(find("ordering")).toEqual([]);
    expect(find("order")).toEqual(["order"]);
    expect(find("ขอยกเลิกค่ะ")).toEqual(["cancel-th"]);
  });

  it("prefers the longer phrase where two start together", () => {
    expect(find("my order")).toEqual(["order"]);
    expect(phraseSource("(my )?order")).toContain("(?:my\\s+)?");
  });
});

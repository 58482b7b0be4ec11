import { describe, expect, it } from "vitest";
import { parseJsonLossless, tryParseJson } from "../../../src/lib/json.ts";

describe("lossless JSON", () => {
  it("keeps integers beyond 2^53 as exact digit strings", () => {
    const parsed = parseJsonLossless('{"chat":{"id":-1001234567890123456},"small":42,"float":1.5,"big":9007199254740993}') as Record<
      string,
      unknown
    >;
    expect(parsed).toEqual({ chat: { id: "-1001234567890123456" }, small: 42, float: 1.5, big: "9007199254740993" });
  });

  it("reports text that is not JSON", () => {
    expect(tryParseJson("{")).toEqual({ ok: false });
    expect(tryParseJson("[1]")).toEqual({ ok: true, value: [1] });
  });
});

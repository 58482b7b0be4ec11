import { describe, expect, it } from "vitest";
import { classify, compileOrderPatterns, MAX_ORDER_PATTERN_LENGTH, MAX_ORDER_PATTERNS } from "../../../../src/route/classifier/index.ts";

const ids = (text: string, orderPatterns?: string[]) => classify(text, orderPatterns ? { orderPatterns } : undefined).orderIds;

describe("order numbers: built-in rules", () => {
  it.each([
    ["576700112233445566", ["576700112233445566"]],
    ["where is 580011223344556677 pls", ["580011223344556677"]],
    ["TikTok order 57670011223344556 (17 digits)", ["57670011223344556"]],
    ["order 1234567 has not shipped", ["1234567"]],
    ["order no. 12345678", ["12345678"]],
    ["Order #123456789 pls check", ["123456789"]],
    ["order number: 2233445566", ["2233445566"]],
    ["#123456789", ["123456789"]],
    ["đơn hàng 2345678901 của em", ["2345678901"]],
    ["mã đơn: 998877665544", ["998877665544"]],
    ["don hang 2345678901 cua em", ["2345678901"]],
    ["đơn của em là 3456789012 ạ", ["3456789012"]],
    ["คำสั่งซื้อ 1234567890 ส่งยังคะ", ["1234567890"]],
    ["หมายเลขคำสั่งซื้อ 2468013579", ["2468013579"]],
    ["ออเดอร์ที่๑๒๓๔๕๖๗ค่ะ", ["1234567"]],
    ["pesanan 987654321 kapan dikirim", ["987654321"]],
    ["no pesanan: 1029384756", ["1029384756"]],
    ["nomor pesanan 5647382910 ya kak", ["5647382910"]],
    ["orders 1234567 and 7654321 are late", ["1234567", "7654321"]],
    ["đơn 123456789 và 987654321", ["123456789", "987654321"]],
  ])("%s", (text, expected) => {
    expect(ids(text)).toEqual(expected);
  });

  it("ignores numbers shorter than 6 digits, even after an order word", () => {
    expect(ids("order 12345")).toEqual([]);
  });

  it("reports each id once, in text order", () => {
    expect(ids("order 1234567 … again, order 1234567 and 576700112233445566")).toEqual(["1234567", "576700112233445566"]);
  });
});

describe("order numbers: what is not an order", () => {
  it.each([
    "+84 912 345 678",
    "sđt của em 0912345678",
    "số điện thoại 0912345678 nha shop",
    "เบอร์ 0812345678 ค่ะ",
    "nomor hp 081234567890 kak",
    "call me on 0176543210",
    "my number is +60123456789",
    "giá 299000đ đúng không",
    "Rp 150000 ya kak",
    "ราคา 390000 บาท",
    "price 150000 vnd",
    "mã vận đơn SPXVN0123456789",
    "https://www.tiktok.com/@shop/video/7312345678901234567",
    "postcode 50450",
  ])("%s", (text) => {
    expect(ids(text)).toEqual([]);
  });

  // Dong and rupiah prices are whole thousands; an order number ends in 000 one time in a thousand.
  it.each([
    "đơn 250000 mà ship 30000",
    "đơn hàng 350000 sao ship tới 45000",
    "pesanan 150000 ongkir 20000",
    "order 1250000, shipping 35000",
    "orders 1234567 and 250000 total",
  ])("a round amount after an order word is a price, not an id: %s", (text) => {
    expect(ids(text).filter((id) => id.endsWith("000"))).toEqual([]);
  });

  it.each(["đơn hàng 0912345678 giao giúp em", "order 0987654321 is my phone", "pesanan 081234567890 ya kak"])(
    "a mobile number right after an order word is the buyer's phone: %s",
    (text) => {
      expect(ids(text)).toEqual([]);
    },
  );

  it("still takes an id that is neither round nor a mobile number, next to a price", () => {
    expect(ids("đơn 23456789 giá 250000đ, ship 30000")).toEqual(["23456789"]);
    expect(ids("order 0012345678 please")).toEqual(["0012345678"]);
    expect(ids("orders 1234567 and 250000 total")).toEqual(["1234567"]);
  });

  it("keeps the order and drops the phone in one message", () => {
    expect(ids("cho em đổi sđt thành 0912345678, mã đơn 578800112233445566")).toEqual(["578800112233445566"]);
    expect(ids("pesanan 123456789, no hp 08123456789")).toEqual(["123456789"]);
    expect(ids("order 1234567, 0912345678")).toEqual(["1234567"]);
  });
});

describe("order numbers: workspace patterns", () => {
  it("adds ids captured by the workspace's patterns", () => {
    expect(ids("hi, my order SB-204311 is late", ["SB-(\\d{6})"])).toEqual(["204311"]);
    expect(ids("đơn SHOP-AB12CD giao chưa", ["SHOP-([A-Z0-9]{6})"])).toEqual(["AB12CD"]);
  });

  it("matches case-insensitively and keeps what the buyer typed", () => {
    expect(ids("order sb-204311", ["SB-(\\d{6})"])).toEqual(["204311"]);
    expect(ids("ref inv-ab12", ["(INV-[A-Z0-9]{4})"])).toEqual(["inv-ab12"]);
  });

  it("accepts patterns compiled by compileOrderPatterns", () => {
    const compiled = compileOrderPatterns(["SB-(\\d{6})"]);
    if (!compiled.ok) throw new Error("expected the pattern to compile");
    expect(classify("SB-123456", { orderPatterns: compiled.patterns }).orderIds).toEqual(["123456"]);
  });

  it("skips an invalid pattern at classify time and says so in the signals", () => {
    const result = classify("order SB-204311", { orderPatterns: ["SB-(\\d{6}", "SB-(\\d{6})"] });
    expect(result.orderIds).toEqual(["204311"]);
    expect(result.signals).toContain("order_pattern_invalid:0");
  });

  it("finds every match of a pattern, not only the first", () => {
    expect(ids("A-1 A-2, a-3", ["A-(\\d)"])).toEqual(["1", "2", "3"]);
  });

  it("finds ids in linear time with a nested quantifier that backtracking takes seconds on", () => {
    const attack = "1".repeat(1990);
    const started = performance.now();
    for (const pattern of ["((?:\\d)+)+x", "(\\d|\\d)+x", "(?:\\d|\\d)+(\\d)x"]) expect(ids(attack, [pattern])).toEqual([]);
    // Each takes 4–7 s on 26 digits with a backtracking engine; RE2 a few ms on 1,990.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("compileOrderPatterns", () => {
  it("compiles valid patterns", () => {
    const result = compileOrderPatterns(["SB-(\\d{6})", "(?:INV|inv)-(\\w{4,8})"]);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.patterns.map((pattern) => pattern.source)).toEqual(["SB-(\\d{6})", "(?:INV|inv)-(\\w{4,8})"]);
  });

  it("reports every invalid pattern with a typed code", () => {
    const result = compileOrderPatterns(["SB-(\\d{6}", "SB-\\d{6}", "(SB)-(\\d{6})", "(\\d*)", "((\\d+)+)x", "", "ok-(\\d+)"]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map(({ index, code }) => [index, code])).toEqual([
      [0, "invalid_syntax"],
      [1, "wrong_group_count"],
      [2, "wrong_group_count"],
      [3, "matches_empty"],
      [4, "wrong_group_count"],
      [5, "too_long"],
    ]);
  });

  it("accepts nested quantifiers, which RE2 runs in linear time", () => {
    expect(compileOrderPatterns(["(?:\\d+)+-(\\d+)", "((?:\\d)+)+x", "(\\d|\\d)+x"])).toMatchObject({ ok: true });
  });

  it("refuses what RE2 cannot run: backreferences and lookaround", () => {
    const result = compileOrderPatterns(["(\\d+)-\\1", "(?=SO)(SO-\\d+)", "(?<!#)(\\d{6})", "(\\d+)\\k<n>"]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map(({ index, code }) => [index, code])).toEqual([
      [0, "invalid_syntax"],
      [1, "invalid_syntax"],
      [2, "invalid_syntax"],
      [3, "invalid_syntax"],
    ]);
    expect(result.errors[0]?.message).toMatch(/RE2.*no backreferences or lookaround/);
  });

  it("rejects over-long patterns and too many of them", () => {
    expect(compileOrderPatterns([`(${"a".repeat(MAX_ORDER_PATTERN_LENGTH)})`])).toMatchObject({
      ok: false,
      errors: [{ code: "too_long" }],
    });
    const many = Array.from({ length: MAX_ORDER_PATTERNS + 1 }, (_, index) => `X${index}-(\\d+)`);
    expect(compileOrderPatterns(many)).toMatchObject({ ok: false, errors: [{ index: -1, code: "too_many" }] });
  });

  it("never throws, whatever it is given", () => {
    for (const source of ["(", "[", "\\", "(?<", "a{2,1}(x)", "(?<n>\\d+)"]) expect(() => compileOrderPatterns([source])).not.toThrow();
  });
});

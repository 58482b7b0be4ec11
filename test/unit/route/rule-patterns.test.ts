import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classify } from "../../../src/route/classifier/index.ts";
import { decide, type RouteInput } from "../../../src/route/engine.ts";
import { compilePattern, MAX_MATCHED_LENGTH, testPattern } from "../../../src/route/regex.ts";
import { PATTERN_BUDGET, rulePatterns } from "../../../src/route/rule-patterns.ts";
import { type RuleSet, RuleSetSchema, StoredRulesSchema } from "../../../src/route/rules.ts";

/** Today's ReDoS reports (issue 11): seconds to minutes each on a few dozen characters with a backtracking engine. */
const CATASTROPHIC_TEXT = ["(a+)+$", "(a|a)+$", "(?:a*)*b"];
const CATASTROPHIC_ORDER = ["((?:\\d)+)+x", "(\\d|\\d)+x", "(?:\\d|\\d)+(\\d)x"];

const tagRule = (id: string, textMatches: string) => ({ id, when: { textMatches }, actions: [{ type: "tag", tags: [id] }] });

function problems(body: unknown): string[] {
  const result = RuleSetSchema.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

function route(text: string, rules: RuleSet) {
  const classification = classify(text, { orderPatterns: rulePatterns(rules).orderPatterns });
  const input: RouteInput = { text, channel: "tiktok", classification, isNewContact: false, conversationState: "bot" };
  return decide(input, rules);
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

describe("compilePattern", () => {
  it("compiles the catastrophic patterns: RE2 runs them in linear time", () => {
    for (const source of [...CATASTROPHIC_TEXT, ...CATASTROPHIC_ORDER]) expect(compilePattern(source)).toMatchObject({ ok: true });
  });

  it.each([
    ["a backreference", "(a+)\\1"],
    ["a named backreference", "(?<w>a)\\k<w>"],
    ["a lookahead", "vip(?=!)"],
    ["a negative lookahead", "vip(?!x)"],
    ["a lookbehind", "(?<=#)\\d+"],
    ["a negative lookbehind", "(?<!#)\\d+"],
    ["a syntax error", "(unclosed"],
    ["a repeat RE2 cannot expand", "a{1001}"],
  ])("refuses %s, with RE2's reason", (_, source) => {
    const compiled = compilePattern(source);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok)
      expect(compiled.message).toMatch(/^not a regular expression RE2 runs in linear time \(no backreferences or lookaround\): ./);
  });

  it("matches case-insensitively on Unicode code points, as the RegExp flags iu did", () => {
    const test = (source: string, text: string) => {
      const compiled = compilePattern(source);
      if (!compiled.ok) throw new Error(compiled.message);
      return compiled.regex.test(text);
    };
    expect(test("\\bvip\\b", "I am VIP!")).toBe(true);
    expect(test("\\bvip\\b", "vipx")).toBe(false);
    expect(test("ĐƠN HÀNG", "đơn hàng của em")).toBe(true);
    expect(test("^.$", "😀")).toBe(true);
    expect(test("\\p{Thai}+", "สวัสดี")).toBe(true);
    expect(test("(?<n>\\d+)", "12")).toBe(true);
  });
});

describe("rulePatterns: every textMatches in one pass", () => {
  it("gives each rule the answer its own pattern gives, by the rule's position", () => {
    // A rule without textMatches and a skipped one shift positions: the answers must not.
    const sources = [
      "\\bvip\\b",
      "^thanks",
      "(a)\\1",
      "ship(?:ped|ping)?$",
      "(a+)+$",
      "đơn|order",
      "\\d{3,}",
      "[^\\x00-\\x7f]",
      "\\bno\\b.*\\brefund",
    ];
    const set = StoredRulesSchema.parse({
      rules: [
        { id: "en", when: { language: ["en"] }, actions: [{ type: "tag", tags: ["en"] }] },
        ...sources.map((source, i) => tagRule(`r${i}`, source)),
      ],
    });
    const alone = [null, ...sources.map((source) => compilePattern(source))];
    const words = [
      "vip",
      "VIP",
      "thanks",
      "Thanks",
      "shipped",
      "ship",
      "aaa",
      "đơn",
      "ORDER",
      "123",
      "4567",
      "no",
      "refund",
      "x",
      " ",
      "!",
      "\n",
      "😀",
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 12 }), (parts) => {
        const text = parts.join("");
        const expected = alone.flatMap((compiled, i) => (compiled?.ok && testPattern(compiled.regex, text) ? [i] : []));
        expect([...rulePatterns(set).matchingRules(text)].sort((a, b) => a - b)).toEqual(expected);
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});

describe("RuleSetSchema: the patterns PUT /v1/rules refuses", () => {
  it("accepts the catastrophic patterns, which RE2 evaluates in linear time", () => {
    expect(problems({ rules: CATASTROPHIC_TEXT.map((source, i) => tagRule(`r${i}`, source)), orderPatterns: CATASTROPHIC_ORDER })).toEqual(
      [],
    );
  });

  it("names the path of every pattern RE2 cannot run", () => {
    const found = problems({
      rules: [tagRule("ok", "\\bvip\\b"), tagRule("backref", "(a)\\1"), tagRule("ahead", "x(?=y)")],
      orderPatterns: ["SO-(\\d{6})", "(\\d{6})-\\1", "(?<!#)(\\d{6})"],
    });
    expect(found.map((problem) => problem.split(":")[0])).toEqual([
      "rules.1.when.textMatches",
      "rules.2.when.textMatches",
      "orderPatterns.1",
      "orderPatterns.2",
    ]);
  });

  it("refuses an order pattern without exactly one capture group, or one that matches nothing at all", () => {
    const found = problems({ rules: [], orderPatterns: ["SO-\\d{6}", "(SO)-(\\d{6})", "(?:SO)-(?P<id>\\d{6})", "(\\d*)"] });
    expect(found).toEqual([
      "orderPatterns.0: needs exactly one capture group (the order id), found 0",
      "orderPatterns.1: needs exactly one capture group (the order id), found 2",
      "orderPatterns.3: matches an empty text, so it would find ids everywhere",
    ]);
  });

  it("refuses an order pattern longer than the runtime uses", () => {
    expect(problems({ rules: [], orderPatterns: [`(${"a".repeat(299)})`] })[0]).toMatch(/^orderPatterns\.0: /);
  });

  it("refuses the patterns that take a rule set over its budget, and names each", () => {
    const big = "[\\s\\S]{900}x";
    const fit = Math.floor(PATTERN_BUDGET / compiledSize(big));
    // What the big ones leave still holds a small one: skipped patterns cost nothing.
    expect(PATTERN_BUDGET - fit * compiledSize(big)).toBeGreaterThanOrEqual(compiledSize("vip"));
    const rules = Array.from({ length: fit + 1 }, (_, i) => tagRule(`r${i}`, big));
    const found = problems({ rules: [...rules, tagRule("small", "vip")], orderPatterns: [] });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      new RegExp(`^rules\\.${fit}\\.when\\.textMatches: the rule set's patterns together may be at most ${PATTERN_BUDGET}`),
    );
  });
});

describe("a stored rule set saved before the checks", () => {
  const stored = StoredRulesSchema.parse({
    rules: [tagRule("backref", "(a)\\1"), tagRule("vip", "\\bvip\\b")],
    orderPatterns: ["SO-\\d{6}", "(?<=#)(\\d{6})", "SB-(\\d{6})"],
  });

  it("still loads, and loses only the patterns routing cannot use, each with its path", () => {
    expect(rulePatterns(stored).problems.map((problem) => problem.path.join("."))).toEqual([
      "rules.0.when.textMatches",
      "orderPatterns.0",
      "orderPatterns.1",
    ]);
  });

  it("routes without throwing: a rule whose pattern is skipped never matches, the others do", () => {
    const decision = route("aa VIP SB-123456 SO-654321", stored);
    expect(decision.actions.map((action) => action.ruleId)).toEqual(["vip"]);
    expect(decision.classification.orderIds).toEqual(["123456"]);
  });
});

describe("routing time: every message within a second of CPU", () => {
  const rules = RuleSetSchema.parse({
    rules: [...CATASTROPHIC_TEXT.map((source, i) => tagRule(`r${i}`, source)), tagRule("vip", "vip")],
    orderPatterns: CATASTROPHIC_ORDER,
  });

  it.each([
    ["a's and a !", `${"a".repeat(MAX_MATCHED_LENGTH - 1)}!`],
    ["digits", "1".repeat(MAX_MATCHED_LENGTH)],
    ["a's then digits", `vip ${"a".repeat(996)}!${"1".repeat(1000)}`],
  ])("routes a 2,000-character attack of %s in milliseconds, where backtracking would take hours", (_, text) => {
    const started = performance.now();
    const decision = route(text, rules);
    // Backtracking takes 1–3 s at 27 a's and doubles with each one; RE2 takes a few ms here.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(decision.classification.orderIds).toEqual([]);
  });

  it("matches the catastrophic patterns where they do match", () => {
    expect(route("aaaa", rules).actions.map((action) => action.ruleId)).toEqual(["r0", "r1"]);
  });

  it.each([
    // A few big patterns, and order patterns: their NFAs keep every position alive.
    ["big patterns", (i: number) => `(?:a|b)*a(?:a|b){${300 - i}}x`, PATTERN_BUDGET / 2],
    // Many small ones that make a new DFA state at every character (2 s and 230 MB through `test`).
    ["a hundred small patterns", (i: number) => `(?:a|b)*a(?:a|b){${20 + (i % 8)}}x${i}`, PATTERN_BUDGET],
  ])("routes 2,000-character texts in under a second of CPU with %s that spend the budget", (_, make, textBudget) => {
    // Each pattern distinct, so none shares another's compiled program.
    const textMatches = fillBudget(make, textBudget).slice(0, 100);
    const orderPatterns = fillBudget((i) => `((?:\\d?){${140 - i}}y)`, PATTERN_BUDGET - sizeOf(textMatches));
    expect(sizeOf([...textMatches, ...orderPatterns])).toBeGreaterThan(PATTERN_BUDGET * 0.9);
    const heavy = RuleSetSchema.parse({ rules: textMatches.map((source, i) => tagRule(`r${i}`, source)), orderPatterns });
    let seed = 7;
    const pick = (alphabet: string) => () => {
      seed = (seed * 48271) % 2147483647;
      return alphabet[seed % alphabet.length];
    };
    const random = (n: number, alphabet: string) => Array.from({ length: n }, pick(alphabet)).join("");
    const attack = () => `${random(1999, "ab")}x`;
    route(attack(), heavy); // compiles, as the first message after a PUT would
    for (let message = 0; message < 3; message++) {
      const text = attack();
      expect(text).toHaveLength(MAX_MATCHED_LENGTH);
      const started = cpuMs();
      const decision = route(text, heavy);
      const spent = cpuMs() - started;
      expect(decision.classification.orderIds).toEqual([]);
      // Measured 0.07–0.11 s on the 2-core dev machine; CPU time, so other processes' load does not count.
      expect(spent).toBeLessThan(1000);
    }
  });
});

/** Distinct patterns from `make(0)`, `make(1)`… while their sizes fit in `budget`. */
function fillBudget(make: (i: number) => string, budget: number): string[] {
  const patterns: string[] = [];
  for (let i = 0; sizeOf([...patterns, make(i)]) <= budget; i++) patterns.push(make(i));
  return patterns;
}

function sizeOf(sources: string[]): number {
  return sources.reduce((sum, source) => sum + compiledSize(source), 0);
}

function compiledSize(source: string): number {
  const compiled = compilePattern(source);
  if (!compiled.ok) throw new Error(compiled.message);
  return compiled.size;
}

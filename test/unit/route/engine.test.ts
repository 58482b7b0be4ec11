import { describe, expect, it } from "vitest";
import { type Classification, decide, type RouteInput } from "../../../src/route/engine.ts";
import { DEFAULT_RULE_SET, MAYBE_NEGATIVE_THRESHOLD, RuleSetSchema } from "../../../src/route/rules.ts";
import { orderValues, render, templateText } from "../../../src/route/templates.ts";

function input(classification: Partial<Classification>, extra: Partial<RouteInput> = {}): RouteInput {
  return {
    text: "hello",
    channel: "tiktok",
    classification: { intent: "other", sentiment: "neutral", language: "en", orderIds: [], signals: [], ...classification },
    isNewContact: false,
    conversationState: "bot",
    ...extra,
  };
}

const types = (d: ReturnType<typeof decide>) => d.actions.map((a) => a.action.type);

describe("default rules", () => {
  it("answers a message that names an order with its status", () => {
    const decision = decide(input({ intent: "order_status", orderIds: ["576700112233445566"] }), DEFAULT_RULE_SET);
    expect(decision.actions).toEqual([
      { action: { type: "reply_order_status" }, ruleId: "order-status", reason: "names order 576700112233445566" },
    ]);
  });

  it("escalates a negative message and sends no automatic reply, even when it names an order", () => {
    const decision = decide(input({ sentiment: "negative", orderIds: ["576700112233445566"] }), DEFAULT_RULE_SET);
    expect(types(decision)).toEqual(["escalate"]);
    expect(decision.actions[0]).toMatchObject({ ruleId: "unhappy-or-human", reason: "sentiment negative" });
  });

  it("escalates an ask for a human", () => {
    expect(types(decide(input({ intent: "human" }), DEFAULT_RULE_SET))).toEqual(["escalate"]);
  });

  it("tags and assigns a new contact's first message, and still answers it", () => {
    const decision = decide(input({ intent: "shipping" }, { isNewContact: true }), DEFAULT_RULE_SET);
    expect(decision.actions.map((a) => a.action)).toEqual([
      { type: "tag", tags: ["new"] },
      { type: "assign", queue: "sales" },
      { type: "reply_template", template: "shipping" },
    ]);
  });

  it.each([
    ["shipping", "shipping"],
    ["change_order", "change_order"],
    ["cancel", "cancel"],
    ["refund", "refund"],
    ["order_status", "ask_order_number"],
    ["greeting", "greeting"],
  ] as const)("answers %s from the %s template", (intent, template) => {
    expect(decide(input({ intent }), DEFAULT_RULE_SET).actions.map((a) => a.action)).toEqual([{ type: "reply_template", template }]);
  });

  it("sends no automatic reply while a human has the conversation, and says why", () => {
    const decision = decide(input({ intent: "shipping" }, { conversationState: "awaiting_human" }), DEFAULT_RULE_SET);
    expect(decision.actions).toEqual([]);
    expect(decision.skipped).toEqual([{ ruleId: "faq-shipping", reason: "a human is handling this conversation" }]);
  });

  it("hands a plausibly negative but uncertain message to a person instead of answering it", () => {
    const unsure = input({
      intent: "order_status",
      orderIds: ["576700112233445566"],
      negativeProbability: MAYBE_NEGATIVE_THRESHOLD + 0.05,
    });
    const decision = decide(unsure, DEFAULT_RULE_SET);
    expect(types(decision)).toEqual(["escalate"]);
    expect(decision.actions[0]).toMatchObject({
      ruleId: "maybe-unhappy",
      reason: `probability of negative ${MAYBE_NEGATIVE_THRESHOLD + 0.05} ≥ ${MAYBE_NEGATIVE_THRESHOLD}`,
    });
    const calm = input({ intent: "order_status", orderIds: ["576700112233445566"], negativeProbability: MAYBE_NEGATIVE_THRESHOLD - 0.05 });
    expect(types(decide(calm, DEFAULT_RULE_SET))).toEqual(["reply_order_status"]);
  });

  it("reads sentiment as the probability when a classifier gives none (the AI tier)", () => {
    const rules = RuleSetSchema.parse({
      rules: [{ id: "unsure", when: { negativeAtLeast: 0.5 }, actions: [{ type: "tag", tags: ["unsure"] }] }],
    });
    expect(types(decide(input({ sentiment: "negative" }), rules))).toEqual(["tag"]);
    expect(types(decide(input({ sentiment: "neutral" }), rules))).toEqual([]);
    expect(
      RuleSetSchema.safeParse({ rules: [{ id: "x", when: { negativeAtLeast: 1.5 }, actions: [{ type: "tag", tags: ["x"] }] }] }).success,
    ).toBe(false);
  });

  it("does nothing for an ordinary message from a known contact", () => {
    expect(decide(input({ intent: "other" }), DEFAULT_RULE_SET).actions).toEqual([]);
  });
});

describe("custom rules", () => {
  it("matches text, language and channel, in order, until a rule stops", () => {
    const rules = RuleSetSchema.parse({
      rules: [
        { id: "vip", when: { textMatches: "\\bvip\\b", channel: ["line"] }, actions: [{ type: "tag", tags: ["vip"] }] },
        { id: "thai", when: { language: ["th"] }, actions: [{ type: "assign", queue: "thai-team" }], stop: true },
        { id: "never", when: {}, actions: [{ type: "note", text: "unreachable" }] },
      ],
    });
    const decision = decide(input({ language: "th" }, { text: "I am VIP", channel: "line" }), rules);
    expect(decision.actions.map((a) => [a.ruleId, a.action.type, a.reason])).toEqual([
      ["vip", "tag", "channel line, text matches /\\bvip\\b/"],
      ["thai", "assign", "language th"],
    ]);
  });

  it("points at the bad path of an invalid rule set", () => {
    const result = RuleSetSchema.safeParse({
      rules: [
        { id: "a", when: { textMatches: "(" }, actions: [{ type: "reply_template", template: "nope" }] },
        { id: "a", when: { intent: ["teleport"] }, actions: [] },
      ],
      orderPatterns: ["[unclosed"],
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join(".")).sort();
    expect(paths).toEqual(expect.arrayContaining(["rules.1.when.intent.0", "rules.1.actions"]));
    const refined = RuleSetSchema.safeParse({
      rules: [
        { id: "a", when: { textMatches: "(" }, actions: [{ type: "reply_template", template: "nope" }] },
        { id: "a", when: {}, actions: [{ type: "tag", tags: ["x"] }] },
      ],
      orderPatterns: ["[unclosed"],
    });
    expect(refined.error?.issues.map((i) => i.path.join(".")).sort()).toEqual([
      "orderPatterns.0",
      "rules.0.actions.0",
      "rules.0.when.textMatches",
      "rules.1.id",
    ]);
  });
});

describe("templates", () => {
  it("speaks the customer's language, falling back to English", () => {
    expect(templateText(DEFAULT_RULE_SET, "greeting", "vi")).toBe("Xin chào! Shop có thể giúp gì cho bạn?");
    expect(templateText(DEFAULT_RULE_SET, "greeting", "unknown")).toBe("Hi! How can we help you today?");
    expect(templateText(DEFAULT_RULE_SET, "nope", "en")).toBeNull();
  });

  it("fills an order's status and tracking in words", () => {
    const text = render(
      templateText(DEFAULT_RULE_SET, "order_status", "en") ?? "",
      orderValues({ orderId: "123456", status: "shipped", carrier: "J&T", trackingNumber: "JT999" }, "en"),
    );
    expect(text).toBe("Your order 123456 is on its way. Tracking: J&T JT999.");
    expect(render(templateText(DEFAULT_RULE_SET, "order_status", "id") ?? "", orderValues({ orderId: "9", status: "Packed" }, "id"))).toBe(
      "Pesanan 9 kamu: Packed.",
    );
  });
});

describe("the ai_reply action", () => {
  const rules = RuleSetSchema.parse({
    rules: [
      { id: "unhappy", when: { sentiment: ["negative"] }, actions: [{ type: "escalate", reason: "negative sentiment" }] },
      { id: "ai", when: {}, actions: [{ type: "ai_reply" }] },
      { id: "faq", when: { intent: ["shipping"] }, actions: [{ type: "reply_template", template: "shipping" }] },
    ],
  });

  it("hands the message to the AI as its one automatic reply", () => {
    const decision = decide(input({ intent: "shipping" }), rules);
    expect(types(decision)).toEqual(["ai_reply"]);
    expect(decision.skipped).toEqual([{ ruleId: "faq", reason: "one automatic reply per message" }]);
  });

  it("is held back for what an earlier rule escalates, and while a human has the conversation", () => {
    const escalated = decide(input({ sentiment: "negative" }), rules);
    expect(types(escalated)).toEqual(["escalate"]);
    expect(escalated.skipped).toContainEqual({ ruleId: "ai", reason: "escalated: no automatic reply" });
    const withHuman = decide(input({}, { conversationState: "awaiting_human" }), rules);
    expect(types(withHuman)).toEqual([]);
    expect(withHuman.skipped).toContainEqual({ ruleId: "ai", reason: "a human is handling this conversation" });
  });

  it("takes no options", () => {
    expect(RuleSetSchema.safeParse({ rules: [{ id: "ai", when: {}, actions: [{ type: "ai_reply", model: "x" }] }] }).success).toBe(false);
  });
});

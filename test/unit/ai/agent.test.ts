import { describe, expect, it } from "vitest";
import {
  type AgentContext,
  type AgentIo,
  groundingProblem,
  initialMessages,
  type ModelTurn,
  runAgent,
  statusesStated,
} from "../../../src/ai/agent.ts";

const context: AgentContext = {
  shopName: "Acme",
  platform: "tiktok",
  maxReplyLength: 2000,
  replyWindow: null,
  contactName: "Linh",
  classification: { intent: "order_status", sentiment: "neutral", language: "en", orderIds: ["5767001"] },
  recent: [{ direction: "inbound", text: "hello" }],
  message: "where is order 5767001?",
};

const turn = (text: string | null, calls: [string, Record<string, unknown>][] = []): ModelTurn => ({
  text,
  toolCalls: calls.map(([name, args], i) => ({ id: `call_${i}`, name, arguments: args })),
  tokens: { prompt: 100, completion: 10 },
});

function io(turns: ModelTurn[], overrides: Partial<AgentIo> = {}): AgentIo & { seen: unknown[][] } {
  const seen: unknown[][] = [];
  return {
    seen,
    complete: async (messages) => {
      seen.push(structuredClone(messages));
      const next = turns.shift();
      if (!next) throw new Error("no more turns");
      return next;
    },
    lookupOrder: async (orderId) => ({ found: true, orderId, status: "shipped", carrier: "J&T" }),
    searchKnowledge: async () => [{ title: "Payment", text: "COD accepted" }],
    takeCall: async () => true,
    remainingMs: () => 10_000,
    ...overrides,
  };
}

describe("runAgent", () => {
  it("answers after a look-up, keeping each tool call, its result and the tokens", async () => {
    const model = io([turn(null, [["lookup_order", { orderId: "5767001" }]]), turn("Your order 5767001 is on its way with J&T.")]);
    const outcome = await runAgent(context, model);
    expect(outcome).toMatchObject({ kind: "reply", text: "Your order 5767001 is on its way with J&T." });
    expect(outcome.trace.toolCalls).toEqual([
      {
        name: "lookup_order",
        arguments: { orderId: "5767001" },
        result: { found: true, orderId: "5767001", status: "shipped", carrier: "J&T" },
      },
    ]);
    expect(outcome.trace.tokens).toEqual({ prompt: 200, completion: 20, total: 220 });
    // The second call carries the tool's result back to the model.
    expect(JSON.stringify(model.seen[1])).toContain('"role":"tool"');
  });

  it("hands off with the model's reason when it calls handoff", async () => {
    const outcome = await runAgent(context, io([turn(null, [["handoff", { reason: "wants a refund" }]])]));
    expect(outcome).toMatchObject({ kind: "handoff", reason: "AI hand-off: wants a refund" });
  });

  it("refuses a reply whose order status is not the look-up's, and one stating a status with no look-up", async () => {
    const wrong = await runAgent(
      context,
      io([turn(null, [["lookup_order", { orderId: "5767001" }]]), turn("Your order was delivered yesterday.")]),
    );
    expect(wrong).toMatchObject({ kind: "handoff" });
    expect(wrong.kind === "handoff" && wrong.reason).toMatch(/delivered.*other than the look-up's \(shipped\)/);
    const unsupported = await runAgent(context, io([turn("Your order has shipped!")]));
    expect(unsupported.kind === "handoff" && unsupported.reason).toMatch(/no look-up of this turn returned/);
  });

  it("hands off when the budget is spent, the model fails or times out, or it never finishes", async () => {
    expect(await runAgent(context, io([turn("hi")], { takeCall: async () => false }))).toMatchObject({
      kind: "handoff",
      reason: "the AI's daily call budget is spent",
    });
    const timeout = Object.assign(new Error("timed out"), { name: "TimeoutError" });
    expect(await runAgent(context, io([], { complete: () => Promise.reject(timeout) }))).toMatchObject({
      reason: "the AI gave no answer in time",
    });
    expect(await runAgent(context, io([], { remainingMs: () => 0 }))).toMatchObject({ reason: "the AI gave no answer in time" });
    expect(await runAgent(context, io([]))).toMatchObject({ reason: "the AI failed: no more turns" });
    const looping = Array.from({ length: 10 }, () => turn(null, [["search_knowledge", { query: "cod" }]]));
    expect(await runAgent(context, io(looping))).toMatchObject({
      kind: "handoff",
      reason: expect.stringMatching(/did not finish|more than 8 tool calls/),
    });
  });

  it("tells the model the rules and the facts, and puts the recent messages before the new one", () => {
    const messages = initialMessages(context);
    const system = messages[0]?.content ?? "";
    expect(system).toMatch(/buyer's language/);
    expect(system).toMatch(/Never promise a refund/);
    expect(system).toMatch(/Never reveal/);
    expect(system).toMatch(/must come from a tool result of this turn/);
    expect(messages.slice(1)).toEqual([
      { role: "user", content: "hello" },
      { role: "user", content: "where is order 5767001?" },
    ]);
  });
});

describe("grounding", () => {
  it("reads statuses in the four languages, as words", () => {
    expect([...statusesStated("Đơn hàng của bạn đã giao")]).toEqual(["delivered"]);
    expect([...statusesStated("Pesanan kamu dalam pengiriman")]).toEqual(["shipped"]);
    expect([...statusesStated("คำสั่งซื้อ: อยู่ระหว่างจัดส่ง")]).toEqual(["shipped"]);
    expect([...statusesStated("We deliver in 3 days; undelivered parcels come back")]).toEqual([]);
  });

  it("accepts a status the look-up returned, in the merchant's words or ours", () => {
    expect(groundingProblem("It is on its way", [{ found: true, orderId: "1", status: "IN TRANSIT" }])).toBeNull();
    expect(groundingProblem("It is on its way", [{ found: true, orderId: "1", status: "shipped" }])).toBeNull();
    expect(groundingProblem("Cash on delivery is fine", [])).toBeNull();
  });
});

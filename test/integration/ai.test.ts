import { afterEach, describe, expect, it, vi } from "vitest";
import { admittedMessages, call, captureOutbound, json, postTikTok } from "./helpers.ts";
import { failNextD1 } from "./production-limits.ts";
import { dm, ORDERS, shop, TIKTOK_API } from "./shop.ts";

const AI_URL = "http://127.0.0.1:9999/ai/v1";
const ORDER = "576700112233445566";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

interface ChatRequest {
  model: string;
  messages: { role: string; content: string | null; tool_calls?: unknown[] }[];
  tools: { function: { name: string } }[];
}

/** The model's answers: a tool call, or a final text. */
const toolCall = (name: string, args: Record<string, unknown>) => ({
  choices: [
    {
      message: {
        content: null,
        tool_calls: [{ id: `call_${name}`, type: "function", function: { name, arguments: JSON.stringify(args) } }],
      },
    },
  ],
  usage: { prompt_tokens: 120, completion_tokens: 8 },
});
const finalText = (content: string) => ({ choices: [{ message: { content } }], usage: { prompt_tokens: 150, completion_tokens: 20 } });

/**
 * A shop whose rules escalate the unhappy and requests for a human, and hand the rest to the
 * AI; `model` answers each chat/completions request.
 */
async function aiShop(
  model: (request: ChatRequest, signal: AbortSignal) => object | Promise<object>,
  options: { orders?: Record<string, object>; ai?: Record<string, unknown> } = {},
) {
  const { workspace, channel } = await shop();
  const token = workspace.apiKey;
  await json(
    await call("PATCH", "/v1/settings", {
      token,
      json: { ai: { enabled: true, model: "fake-model", url: AI_URL, apiKey: "sk-test-key", ...options.ai } },
    }),
    200,
  );
  await json(
    await call("PUT", "/v1/rules", {
      token,
      json: {
        rules: [
          { id: "unhappy", when: { sentiment: ["negative"] }, actions: [{ type: "escalate", reason: "negative sentiment" }], stop: true },
          { id: "human", when: { intent: ["human"] }, actions: [{ type: "escalate", reason: "asked for a human" }], stop: true },
          { id: "ai", when: {}, actions: [{ type: "ai_reply" }], stop: true },
        ],
      },
    }),
    200,
  );
  const modelRequests: { body: ChatRequest; authorization: string | null }[] = [];
  outbound = captureOutbound("", async (request) => {
    if (request.url.startsWith(TIKTOK_API)) return Response.json({ code: 0, data: { message_id: `77${Date.now()}` } });
    if (request.url.startsWith(ORDERS)) {
      const order = options.orders?.[decodeURIComponent(request.url.slice(ORDERS.length))];
      return order ? Response.json(order) : new Response("not found", { status: 404 });
    }
    if (request.url === `${AI_URL}/chat/completions`) {
      const body = (await request.json()) as ChatRequest;
      modelRequests.push({ body, authorization: request.headers.get("authorization") });
      return Response.json(await model(body, request.signal));
    }
    return new Response("ok");
  });
  const platformReplies = () =>
    (outbound?.captured ?? [])
      .filter((c) => c.url.startsWith(TIKTOK_API))
      .map((c) => JSON.parse(JSON.parse(c.body).content).content as string);
  const tickets = async () =>
    (await json<{ data: { reason: string; context: Record<string, unknown> }[] }>(await call("GET", "/v1/tickets", { token }), 200)).data;
  const messages = async () => {
    const conversations = await json<{ data: { id: string }[] }>(await call("GET", "/v1/conversations", { token }), 200);
    const page = await json<{
      data: { direction: string; author: { type: string; model?: string } | null; text: string; routing: Record<string, unknown> | null }[];
    }>(await call("GET", `/v1/conversations/${conversations.data[0]?.id}/messages`, { token }), 200);
    return page.data;
  };
  return { token, channel, modelRequests, platformReplies, tickets, messages };
}

const lastRole = (request: ChatRequest) => request.messages.at(-1)?.role;

describe("the AI tier", () => {
  it("answers an order question grounded in the look-up, and keeps the model, tool calls, tokens and time with the reply", async () => {
    const world = await aiShop(
      (request) =>
        lastRole(request) === "tool"
          ? finalText(`Your order ${ORDER} is on its way with J&T Express.`)
          : toolCall("lookup_order", { orderId: ORDER }),
      {
        orders: { [ORDER]: { orderId: ORDER, status: "shipped", carrier: "J&T Express" } },
      },
    );
    await postTikTok(world.channel.id, dm(`hi, where is my order ${ORDER}?`, "7373009988776656001"));
    await vi.waitFor(() => expect(world.platformReplies()).toHaveLength(1), { timeout: 5000 });
    expect(world.platformReplies()[0]).toBe(`Your order ${ORDER} is on its way with J&T Express.`);

    // The model got the three tools, the rules, the buyer's message, then the look-up's result; and the key.
    const [first, second] = world.modelRequests;
    expect(first?.authorization).toBe("Bearer sk-test-key");
    expect(first?.body.model).toBe("fake-model");
    expect(first?.body.tools.map((t) => t.function.name)).toEqual(["lookup_order", "search_knowledge", "handoff"]);
    expect(first?.body.messages[0]?.content).toMatch(/must come from a tool result of this turn/);
    expect(first?.body.messages.at(-1)?.content).toBe(`hi, where is my order ${ORDER}?`);
    expect(second?.body.messages.at(-1)?.content).toContain('"status":"shipped"');

    await vi.waitFor(async () => {
      const reply = (await world.messages()).find((m) => m.direction === "outbound");
      expect(reply?.author).toEqual({ type: "ai", model: "fake-model" });
      expect(reply?.routing).toMatchObject({
        author: { type: "ai", model: "fake-model" },
        ai: {
          model: "fake-model",
          provider: "openai-compatible",
          steps: 2,
          toolCalls: [
            {
              name: "lookup_order",
              arguments: { orderId: ORDER },
              result: { found: true, orderId: ORDER, status: "shipped", carrier: "J&T Express" },
            },
          ],
          tokens: { prompt: 270, completion: 28, total: 298 },
        },
      });
      expect((reply?.routing?.ai as { durationMs: number } | undefined)?.durationMs).toBeGreaterThanOrEqual(0);
    });
    expect(await world.tickets()).toEqual([]);
  });

  it("answers a policy question from the workspace's knowledge", async () => {
    const world = await aiShop((request) => {
      const last = request.messages.at(-1);
      if (last?.role !== "tool") return toolCall("search_knowledge", { query: "cash on delivery" });
      const hits = JSON.parse(last.content ?? "[]") as { text: string }[];
      return hits[0] ? finalText(`Yes! ${hits[0].text}`) : toolCall("handoff", { reason: "no policy found" });
    });
    await json(
      await call("POST", "/v1/knowledge", { token: world.token, json: { title: "Returns", text: "Returns within 30 days." } }),
      201,
    );
    await json(
      await call("POST", "/v1/knowledge", {
        token: world.token,
        json: { title: "Payment", text: "We accept cash on delivery (COD) everywhere." },
      }),
      201,
    );
    await postTikTok(world.channel.id, dm("can I pay cash on delivery?", "7373009988776656002"));
    await vi.waitFor(() => expect(world.platformReplies()).toHaveLength(1), { timeout: 5000 });
    expect(world.platformReplies()[0]).toBe("Yes! We accept cash on delivery (COD) everywhere.");
    await vi.waitFor(async () => {
      const reply = (await world.messages()).find((m) => m.direction === "outbound");
      const calls = (reply?.routing?.ai as { toolCalls: { name: string; result: { title: string }[] }[] } | undefined)?.toolCalls;
      expect(calls?.[0]?.name).toBe("search_knowledge");
      expect(calls?.[0]?.result[0]?.title).toBe("Payment");
    });
  });

  it("opens a ticket with the model's reason when it hands off, and sends nothing", async () => {
    const world = await aiShop(() => toolCall("handoff", { reason: "wants to change the delivery address" }));
    await postTikTok(world.channel.id, dm("can you send it to my office instead?", "7373009988776656003"));
    await vi.waitFor(
      async () => expect((await world.tickets()).map((t) => t.reason)).toEqual(["AI hand-off: wants to change the delivery address"]),
      {
        timeout: 5000,
      },
    );
    expect(world.platformReplies()).toEqual([]);
  });

  it("falls back to a ticket when the model does not answer in time", async () => {
    const world = await aiShop(
      (_request, signal) =>
        new Promise((_, reject) => {
          const timer = setTimeout(() => reject(new Error("never")), 10_000);
          signal.addEventListener("abort", () => {
            clearTimeout(timer);
            reject(signal.reason);
          });
        }),
      { ai: { timeoutSeconds: 1 } },
    );
    await postTikTok(world.channel.id, dm("do you ship to Da Nang?", "7373009988776656004"));
    await vi.waitFor(async () => expect((await world.tickets()).map((t) => t.reason)).toEqual(["the AI gave no answer in time"]), {
      timeout: 5000,
    });
    expect(world.platformReplies()).toEqual([]);
  });

  it("hands off once the day's call budget is spent", async () => {
    const world = await aiShop(() => finalText("Hello! How can we help?"), { ai: { dailyCallBudget: 1 } });
    await postTikTok(world.channel.id, dm("hello", "7373009988776656005", "7373009988776600001"));
    await vi.waitFor(() => expect(world.platformReplies()).toHaveLength(1), { timeout: 5000 });
    await postTikTok(world.channel.id, dm("hello again", "7373009988776656006", "7373009988776600002"));
    await vi.waitFor(async () => expect((await world.tickets()).map((t) => t.reason)).toEqual(["the AI's daily call budget is spent"]), {
      timeout: 5000,
    });
    expect(world.modelRequests).toHaveLength(1);
    expect(world.platformReplies()).toHaveLength(1);
  });

  it("refuses an answer whose order status is not the look-up's, and hands the conversation off", async () => {
    const world = await aiShop(
      (request) =>
        lastRole(request) === "tool"
          ? finalText(`Good news: order ${ORDER} was delivered yesterday!`)
          : toolCall("lookup_order", { orderId: ORDER }),
      {
        orders: { [ORDER]: { orderId: ORDER, status: "processing" } },
      },
    );
    await postTikTok(world.channel.id, dm(`is order ${ORDER} delivered?`, "7373009988776656007"));
    await vi.waitFor(async () => expect(await world.tickets()).toHaveLength(1), { timeout: 5000 });
    const [ticket] = await world.tickets();
    expect(ticket?.reason).toBe("the AI stated an order status (delivered) other than the look-up's (processing)");
    // The ticket carries the status the look-up really returned.
    expect(ticket?.context).toMatchObject({ orderId: ORDER, orderStatus: "processing" });
    expect(world.platformReplies()).toEqual([]);
    // The human who takes over sees what the AI tried.
    const conversations = await json<{ data: { id: string }[] }>(await call("GET", "/v1/conversations", { token: world.token }), 200);
    const notes = await json<{ data: { text: string; author: string }[] }>(
      await call("GET", `/v1/conversations/${conversations.data[0]?.id}/notes`, { token: world.token }),
      200,
    );
    expect(notes.data).toHaveLength(1);
    expect(notes.data[0]?.author).toBe("ai:fake-model");
    expect(notes.data[0]?.text).toMatch(/^The AI \(fake-model\) handed off after 2 model calls: the AI stated an order status/);
    expect(notes.data[0]?.text).toContain(
      `lookup_order({"orderId":"${ORDER}"}) → {"found":true,"orderId":"${ORDER}","status":"processing"}`,
    );
  });

  it("stops after maxRepliesPerConversation: a human takes over", async () => {
    const world = await aiShop(() => finalText("Happy to help!"), { ai: { maxRepliesPerConversation: 1 } });
    await postTikTok(world.channel.id, dm("hello there", "7373009988776656008"));
    await vi.waitFor(() => expect(world.platformReplies()).toHaveLength(1), { timeout: 5000 });
    await postTikTok(world.channel.id, dm("do you have it in blue?", "7373009988776656009"));
    await vi.waitFor(
      async () =>
        expect((await world.tickets()).map((t) => t.reason)).toEqual([
          "the AI has answered 1 times in this conversation; a human takes over",
        ]),
      {
        timeout: 5000,
      },
    );
    expect(world.modelRequests).toHaveLength(1);
  });

  it("never runs for what the rules escalate", { timeout: 30_000 }, async () => {
    const other = await aiShop(() => finalText("Happy to help!"));
    await postTikTok(other.channel.id, dm("I want to talk to a real person", "7373009988776656010"));
    // The rules escalate it (as a request for a person, or as a likely complaint: it is both).
    await vi.waitFor(async () => expect((await other.tickets()).map((t) => t.reason)).toEqual([expect.stringMatching(/human|negative/)]), {
      timeout: 20_000,
    });
    expect(other.modelRequests).toEqual([]);
  });

  it("masks phone numbers, e-mail and addresses before the third-party model sees the message, but keeps the order number", async () => {
    const world = await aiShop(() => toolCall("handoff", { reason: "address change" }));
    await postTikTok(
      world.channel.id,
      dm(`please change order ${ORDER} to 12 Nguyen Hue Street, call 0912 345 678 or mail an.nguyen@gmail.com`, "7373009988776656011"),
    );
    await vi.waitFor(() => expect(world.modelRequests).toHaveLength(1), { timeout: 5000 });
    const sent = JSON.stringify(world.modelRequests[0]?.body.messages);
    expect(sent).not.toMatch(/0912 345 678|an\.nguyen@gmail\.com|Nguyen Hue/);
    expect(sent).toContain("[phone]");
    expect(sent).toContain("[email]");
    expect(sent).toContain("[address]");
    expect(sent).toContain(ORDER);
  });

  it("opens a ticket saying so when a rule asks for the AI and the workspace has not turned it on", async () => {
    const world = await aiShop(() => finalText("never asked"), { ai: { enabled: false } });
    await postTikTok(world.channel.id, dm("do you have it in blue?", "7373009988776656012"));
    await vi.waitFor(async () => expect((await world.tickets()).map((t) => t.reason)).toEqual(["the AI tier is off (settings.ai)"]), {
      timeout: 5000,
    });
    expect(world.modelRequests).toEqual([]);
  });

  it("asks the model once and sends once when recording the sent answer fails and the message runs again", {
    timeout: 40_000,
  }, async () => {
    const world = await aiShop(() => finalText("Hello! How can we help?"));
    const thread = "7373009988776600009";
    // The platform takes the answer, then the batch recording it fails: the inbound message is retried.
    failNextD1(/^update "messages" set .*"status" = \?/);
    await postTikTok(world.channel.id, dm("hello", "7373009988776656013", thread));
    await vi.waitFor(() => expect(world.platformReplies()).toHaveLength(1), { timeout: 10_000 });
    await vi.waitFor(
      async () => {
        const seen = await admittedMessages(world.channel.id, thread);
        expect(seen.get("7373009988776656013")?.finished).toBe(true);
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(world.modelRequests).toHaveLength(1);
    expect(world.platformReplies()).toHaveLength(1);
    expect(await world.tickets()).toEqual([]);
  });
});

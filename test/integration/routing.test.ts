// The default rules end to end: webhook → queue → Durable Object → D1 → reply at a fake
// platform API, tickets for the hard ones, CRM writes for new contacts, SLA clocks.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { conversationStub } from "../../src/objects/conversation.ts";
import type { ChannelTestKit } from "../contracts/kit.ts";
import { lineKit } from "../fixtures/line/kit.ts";
import { telegramKit } from "../fixtures/telegram/kit.ts";
import { whatsappKit } from "../fixtures/whatsapp/kit.ts";
import { admittedMessages, call, captureOutbound, count, createEndpoint, createWorkspace, json, postTikTok } from "./helpers.ts";
import { dm, merchantWorld, ORDERS, shop, TIKTOK_API } from "./shop.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

interface Sla {
  startedAt: string;
  deadline: string;
  windowSeconds: number;
  warnedAt: string | null;
  breachedAt: string | null;
  stoppedAt: string | null;
}

/** shop(), with an order API answering from `orders` and a platform API accepting every reply. */
async function merchant(orders: Record<string, object> = {}) {
  const { workspace, channel } = await shop();
  const world = merchantWorld(orders);
  outbound = world.outbound;
  return { workspace, channel, platformReplies: world.platformReplies, captured: world.captured };
}

async function waitForMessages(apiKey: string, count: number) {
  return vi.waitFor(
    async () => {
      const conversations = await json<{ data: { id: string }[] }>(await call("GET", "/v1/conversations", { token: apiKey }), 200);
      const id = conversations.data[0]?.id;
      expect(id).toBeDefined();
      const page = await json<{ data: { direction: string; text: string; routing?: unknown }[] }>(
        await call("GET", `/v1/conversations/${id}/messages?limit=200`, { token: apiKey }),
        200,
      );
      expect(page.data.length).toBeGreaterThanOrEqual(count);
      return { conversationId: id as string, messages: page.data };
    },
    { timeout: 5000 },
  );
}

describe("default rules, end to end", () => {
  it("answers an order-status question with the order's status from the merchant's order API", async () => {
    const { workspace, channel, platformReplies, captured } = await merchant({
      "576700112233445566": { orderId: "576700112233445566", status: "shipped", carrier: "J&T Express", trackingNumber: "JT0123456789" },
    });
    await postTikTok(channel.id, dm("Hi, when will order 576700112233445566 ship?", "7373009988776655601"));
    await vi.waitFor(() => expect(platformReplies()).toHaveLength(1), { timeout: 5000 });
    expect(platformReplies()[0]).toBe("Your order 576700112233445566 is on its way. Tracking: J&T Express JT0123456789.");
    const lookup = captured.find((c) => c.url.startsWith(ORDERS));
    expect(lookup?.headers.authorization).toBe("Bearer order-api-key");

    const { messages } = await waitForMessages(workspace.apiKey, 2);
    expect(messages.map((m) => m.direction).sort()).toEqual(["inbound", "outbound"]);
    const metrics = await json<{ overall: { inbound: number; answered: number; answeredInsideWindow: number } }>(
      await call("GET", "/v1/metrics/sla", { token: workspace.apiKey }),
      200,
    );
    expect(metrics.overall).toMatchObject({ inbound: 1, answered: 1, answeredInsideWindow: 1 });
  });

  it("says so clearly when the order is unknown", async () => {
    const { channel, platformReplies } = await merchant({});
    await postTikTok(channel.id, dm("where is order 576700112233449999??", "7373009988776655602"));
    await vi.waitFor(() => expect(platformReplies()).toHaveLength(1), { timeout: 5000 });
    expect(platformReplies()[0]).toMatch(/could not find order 576700112233449999/);
  });

  it("sends one reply however often the platform redelivers the message", async () => {
    const { channel, platformReplies } = await merchant({ "576700112233445566": { orderId: "576700112233445566", status: "processing" } });
    const body = dm("status of order 576700112233445566 please", "7373009988776655603");
    await postTikTok(channel.id, body);
    await postTikTok(channel.id, body);
    await vi.waitFor(() => expect(platformReplies()).toHaveLength(1), { timeout: 5000 });
    await postTikTok(channel.id, body);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(platformReplies()).toHaveLength(1);
  });

  it("delivers message.received while the order look-up for the reply is still waiting for an answer", async () => {
    const { workspace, channel } = await shop();
    const endpoint = await createEndpoint(workspace.apiKey);
    // The order API answers only once the subscriber has the message.
    let answerOrder: () => void = () => {};
    const orderAnswered = new Promise<void>((resolve) => {
      answerOrder = resolve;
    });
    const seen: string[] = [];
    outbound = captureOutbound("", async (request) => {
      if (request.url.startsWith(ORDERS)) {
        seen.push("order look-up");
        await orderAnswered;
        return Response.json({ orderId: "576700112233445566", status: "shipped" });
      }
      if (request.url.startsWith(TIKTOK_API)) {
        seen.push("reply");
        return Response.json({ code: 0, data: { message_id: "7700001" } });
      }
      if (request.url === endpoint.url) seen.push(JSON.parse(await request.text()).type as string);
      return new Response("ok");
    });
    await postTikTok(channel.id, dm("where is order 576700112233445566?", "7373009988776655621"));
    await vi.waitFor(() => expect(seen).toContain("message.received"), { timeout: 5000 });
    expect(seen).not.toContain("reply");
    answerOrder();
    await vi.waitFor(() => expect(seen).toContain("message.sent"), { timeout: 5000 });
    expect(seen.indexOf("message.received")).toBeLessThan(seen.indexOf("reply"));
  });

  it("keeps a rule's note with the conversation, listed by the API, once however often the message comes", async () => {
    const { workspace, channel } = await merchant();
    const rules = {
      rules: [{ id: "vip", when: { textMatches: "wholesale" }, actions: [{ type: "note", text: "Wholesale lead: call back" }] }],
    };
    await json(await call("PUT", "/v1/rules", { token: workspace.apiKey, json: rules }), 200);
    const body = dm("Do you do wholesale prices for 500 pieces?", "7373009988776655631");
    await postTikTok(channel.id, body);
    await postTikTok(channel.id, body);
    const { conversationId } = await waitForMessages(workspace.apiKey, 1);
    const notes = await vi.waitFor(
      async () => {
        const page = await json<{ data: { text: string; author: string; conversationId: string }[] }>(
          await call("GET", `/v1/conversations/${conversationId}/notes`, { token: workspace.apiKey }),
          200,
        );
        expect(page.data).toHaveLength(1);
        return page.data;
      },
      { timeout: 5000 },
    );
    expect(notes[0]).toMatchObject({ text: "Wholesale lead: call back", author: "rule:vip", conversationId });
    const other = await createWorkspace();
    expect((await call("GET", `/v1/conversations/${conversationId}/notes`, { token: other.apiKey })).status).toBe(404);
  });

  it("acts on nothing again for a redelivery whose stored message the object lost, as its keyed records still hold it", async () => {
    const { workspace, channel, platformReplies } = await merchant({
      "576700112233445566": { orderId: "576700112233445566", status: "processing" },
    });
    const body = dm("status of order 576700112233445566 please", "7373009988776655613");
    await postTikTok(channel.id, body);
    await vi.waitFor(() => expect(platformReplies()).toHaveLength(1), { timeout: 5000 });
    // As if the object had lost the inbound message (its de-duplication): only the records
    // keyed by its derived id (the reply, D1's rows, the events) still know it.
    await runInDurableObject(conversationStub(env, channel.id, "7373009988776655443"), async (_instance, state) => {
      state.storage.sql.exec("DELETE FROM messages WHERE direction = 'inbound'");
    });
    await postTikTok(channel.id, body);
    await vi.waitFor(
      async () => expect((await admittedMessages(channel.id, "7373009988776655443")).get("7373009988776655613")?.finished).toBe(true),
      { timeout: 5000 },
    );
    expect(platformReplies()).toHaveLength(1);
    const { messages } = await waitForMessages(workspace.apiKey, 2);
    expect(messages).toHaveLength(2);
    const stored = await runInDurableObject(conversationStub(env, channel.id, "7373009988776655443"), async (_instance, state) =>
      state.storage.kv.get<{ clocks: unknown[] }>("state"),
    );
    expect(stored?.clocks).toEqual([]);
  });

  it("escalates an angry buyer with the context gathered, and stops auto-replying until the ticket is resolved", async () => {
    const { workspace, channel, platformReplies } = await merchant();
    await postTikTok(channel.id, dm("This is a SCAM!!! still not arrived after 2 weeks 😡", "7373009988776655604"));
    const tickets = await vi.waitFor(
      async () => {
        const page = await json<{
          data: { id: string; status: string; reason: string; createdAt: string; context: Record<string, unknown>; sla: Sla | null }[];
        }>(await call("GET", "/v1/tickets?status=open", { token: workspace.apiKey }), 200);
        expect(page.data).toHaveLength(1);
        return page.data;
      },
      { timeout: 5000 },
    );
    const ticket = tickets[0];
    expect(ticket).toMatchObject({ status: "open", reason: "negative sentiment", context: { sentiment: "negative" } });
    // Its agent-response clock: the window in force when it opened (the default 12 h), running.
    expect(ticket?.sla).toMatchObject({ windowSeconds: 43200, warnedAt: null, breachedAt: null, stoppedAt: null });
    expect(Date.parse(ticket?.sla?.deadline ?? "") - Date.parse(ticket?.sla?.startedAt ?? "")).toBe(43200_000);
    expect(ticket?.context.lastMessages).toEqual([
      expect.objectContaining({ direction: "inbound", text: expect.stringContaining("SCAM") }),
    ]);
    expect(platformReplies()).toEqual([]);

    // While a human has the conversation, an FAQ gets no automatic answer…
    await postTikTok(channel.id, dm("how long does shipping take?", "7373009988776655605"));
    await waitForMessages(workspace.apiKey, 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(platformReplies()).toEqual([]);

    // …until the agent resolves the ticket.
    const resolved = await json<{ status: string }>(
      await call("PATCH", `/v1/tickets/${ticket?.id}`, { token: workspace.apiKey, json: { status: "resolved", assignee: "lan" } }),
      200,
    );
    expect(resolved.status).toBe("resolved");
    // Resolving stops the agent's clock.
    await vi.waitFor(
      async () => {
        const read = await json<{ sla: Sla | null }>(await call("GET", `/v1/tickets/${ticket?.id}`, { token: workspace.apiKey }), 200);
        expect(read.sla?.stoppedAt).toEqual(expect.any(String));
      },
      { timeout: 5000 },
    );
    await postTikTok(channel.id, dm("how long does shipping take?", "7373009988776655606"));
    await vi.waitFor(() => expect(platformReplies()).toHaveLength(1), { timeout: 5000 });
    expect(platformReplies()[0]).toMatch(/ship/i);
    expect(await count("SELECT count(*) AS n FROM conversations WHERE state = 'bot'")).toBe(1);

    // Reopened: a human has the conversation again, in D1's list and in its object alike.
    await json(await call("PATCH", `/v1/tickets/${ticket?.id}`, { token: workspace.apiKey, json: { status: "open" } }), 200);
    expect(await count("SELECT count(*) AS n FROM conversations WHERE state = 'awaiting_human'")).toBe(1);
    await postTikTok(channel.id, dm("how long does shipping take?", "7373009988776655607"));
    await waitForMessages(workspace.apiKey, 5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(platformReplies()).toHaveLength(1);

    const events = await json<{ data: { type: string }[] }>(await call("GET", "/v1/events", { token: workspace.apiKey }), 200);
    expect(events.data.map((e) => e.type)).toEqual(expect.arrayContaining(["ticket.created", "ticket.updated", "message.sent"]));
  });

  it("gives the agent the order's status on a ticket the bot did not answer", async () => {
    const { workspace, channel, platformReplies } = await merchant({
      "576700112233445566": { orderId: "576700112233445566", status: "shipped" },
    });
    await postTikTok(channel.id, dm("Order 576700112233445566 is a SCAM, I want my money back NOW!!! 😡", "7373009988776655612"));
    const ticket = await vi.waitFor(
      async () => {
        const page = await json<{ data: { context: { orderId: string; orderStatus: string } }[] }>(
          await call("GET", "/v1/tickets", { token: workspace.apiKey }),
          200,
        );
        expect(page.data).toHaveLength(1);
        return page.data[0];
      },
      { timeout: 5000 },
    );
    expect(ticket?.context).toMatchObject({ orderId: "576700112233445566", orderStatus: "shipped" });
    expect(platformReplies()).toEqual([]);
  });

  it("opens one ticket for an ask for a human, however often it is redelivered", async () => {
    const { workspace, channel } = await merchant();
    const body = dm("I want to talk to a real person please", "7373009988776655607");
    await postTikTok(channel.id, body);
    await postTikTok(channel.id, body);
    await vi.waitFor(
      async () =>
        expect((await json<{ data: unknown[] }>(await call("GET", "/v1/tickets", { token: workspace.apiKey }), 200)).data).toHaveLength(1),
      { timeout: 5000 },
    );
    await postTikTok(channel.id, body);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const page = await json<{ data: { reason: string }[] }>(await call("GET", "/v1/tickets", { token: workspace.apiKey }), 200);
    expect(page.data.map((t) => t.reason)).toEqual(["asked for a human"]);
  });

  it("tags a new contact `new` and assigns it to sales", async () => {
    const { workspace, channel } = await merchant();
    await postTikTok(channel.id, dm("hello!", "7373009988776655608"));
    const contact = await vi.waitFor(
      async () => {
        const page = await json<{ data: { tags: string[]; queue: string | null }[] }>(
          await call("GET", "/v1/contacts", { token: workspace.apiKey }),
          200,
        );
        expect(page.data[0]?.queue).toBe("sales");
        return page.data[0];
      },
      { timeout: 5000 },
    );
    expect(contact?.tags).toEqual(["new"]);
  });

  it("keeps the decision with the message, so an agent sees why", async () => {
    const { workspace, channel } = await merchant();
    await postTikTok(channel.id, dm("how long does shipping take to Hanoi?", "7373009988776655609"));
    const { messages } = await waitForMessages(workspace.apiKey, 2);
    const inbound = messages.find((m) => m.direction === "inbound") as {
      routing: { actions: { ruleId: string }[]; classification: { intent: string } };
    };
    expect(inbound.routing.classification.intent).toBe("shipping");
    expect(inbound.routing.actions.map((a) => a.ruleId)).toEqual(["new-contact", "new-contact", "faq-shipping"]);
  });
});

/** Replaces the customer's text in a fixture of `kit`'s platform. */
function withText(kit: ChannelTestKit, text: string): string {
  const fixture = kit.fixtures[kit.messageFixture ?? ""] ?? "";
  const field = kit.adapter.platform === "whatsapp" ? "body" : "text";
  return fixture.replace(new RegExp(`"${field}": "(?:[^"\\\\]|\\\\.)*"`), `"${field}": ${JSON.stringify(text)}`);
}

describe.each([whatsappKit, telegramKit, lineKit].map((kit) => [kit.adapter.platform, kit] as const))("routing on %s", (platform, kit) => {
  it("answers an FAQ through the platform's API and tags the new contact", async () => {
    const workspace = await createWorkspace();
    const channel = await json<{ id: string }>(
      await call("POST", "/v1/channels", { token: workspace.apiKey, json: { platform, name: platform, credentials: kit.credentials } }),
      201,
    );
    const origin = kit.api?.origin ?? "";
    outbound = captureOutbound(origin, (request) =>
      request.url.startsWith(origin) ? (kit.api?.ok() ?? new Response("ok")) : new Response("ok"),
    );
    // The fixtures are old: a reply window counted from them would be closed, so the
    // message is re-timed to now where the platform has a window (WhatsApp).
    let body = withText(kit, "How long does shipping take?");
    if (platform === "whatsapp") body = body.replace(/"timestamp": "\d+"/, `"timestamp": "${Math.floor(Date.now() / 1000)}"`);
    const signed = kit.sign(body, kit.credentials, Date.now());
    expect((await call("POST", `/webhooks/${platform}/${channel.id}`, { body: signed.body, headers: signed.headers })).status).toBe(200);
    await vi.waitFor(() => expect(outbound?.captured.length).toBe(1), { timeout: 5000 });
    expect(outbound?.captured[0]?.body).toContain("3–5 days");
    const contacts = await json<{ data: { tags: string[]; queue: string }[] }>(
      await call("GET", "/v1/contacts", { token: workspace.apiKey }),
      200,
    );
    expect(contacts.data[0]).toMatchObject({ tags: ["new"], queue: "sales" });
  });
});

describe("SLA clocks", () => {
  it("warns, escalates and breaches when nobody answers within the window", async () => {
    const { workspace, channel } = await merchant();
    await json(
      await call("PATCH", "/v1/settings", { token: workspace.apiKey, json: { responseWindowSeconds: 1, warningRatio: 0.5 } }),
      200,
    );
    await postTikTok(channel.id, dm("hello", "7373009988776655610"));
    await waitForMessages(workspace.apiKey, 2);
    // A returning contact's message that matches no reply rule: its clock runs. A calm product
    // question: the model reads a bare statement ("my cat is called Mochi") at 0.3–0.4 negative,
    // which `maybe-unhappy` would hand to a person with a ticket of its own.
    await postTikTok(channel.id, dm("is the blue one cotton?", "7373009988776655611"));
    await waitForMessages(workspace.apiKey, 3);
    const events = async () =>
      (
        await json<{ data: { type: string; data: { clock?: string } }[] }>(
          await call("GET", "/v1/events?limit=200", { token: workspace.apiKey }),
          200,
        )
      ).data;
    const firstResponse = async (type: string) =>
      (await events()).filter((e) => e.type === type && e.data.clock === "first_response").length;
    expect(await firstResponse("sla.warning")).toBe(0);

    // Past the 1 s deadline, the object's alarm warns (escalating: nobody has the conversation) and breaches.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const stub = conversationStub(env, channel.id, "7373009988776655443");
    // On a loaded machine the alarm may already have fired on its own: either way it runs now.
    await runDurableObjectAlarm(stub);
    await vi.waitFor(async () => expect(await firstResponse("sla.breached")).toBe(1), { timeout: 10_000 });
    expect(await firstResponse("sla.warning")).toBe(1);
    const tickets = await json<{ data: { reason: string }[] }>(await call("GET", "/v1/tickets", { token: workspace.apiKey }), 200);
    expect(tickets.data.map((t) => t.reason)).toEqual(["no reply within 50 % of the 1 s response window"]);
    const metrics = await json<{ overall: { inbound: number; answered: number; openBreaches: number } }>(
      await call("GET", "/v1/metrics/sla", { token: workspace.apiKey }),
      200,
    );
    expect(metrics.overall).toEqual(expect.objectContaining({ inbound: 2, answered: 1, openBreaches: 1 }));

    // Alarms are at least once: running it again announces nothing new for that clock.
    await runDurableObjectAlarm(stub);
    expect(await firstResponse("sla.warning")).toBe(1);
    expect(await firstResponse("sla.breached")).toBe(1);
  }, 15_000);
});

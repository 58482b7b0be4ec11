import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EventSchema, type GatewayEvent } from "../../src/events/schema.ts";
import { tiktokFixtures } from "../fixtures/tiktok/index.ts";
import { withMessageId } from "../helpers/tiktok.ts";
import { attemptsOf, storedEventCount } from "./deliveries-kit.ts";
import {
  call,
  captureOutbound,
  count,
  countStoredMessages,
  createEndpoint,
  createTikTokChannel,
  createWorkspace,
  disableRouting,
  json,
  postTikTok,
  storedMessages,
} from "./helpers.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

async function setUp() {
  const workspace = await createWorkspace();
  await disableRouting(workspace.apiKey);
  const channel = await createTikTokChannel(workspace.apiKey);
  const endpoint = await createEndpoint(workspace.apiKey);
  outbound = captureOutbound(endpoint.url);
  return { workspace, channel, endpoint, captured: outbound.captured };
}

function events(captured: { body: string }[]): GatewayEvent[] {
  return captured.map((c) => EventSchema.parse(JSON.parse(c.body)));
}

describe("TikTok Shop DM, end to end", () => {
  it("delivers contact.created, conversation.created and message.received, signed, to the endpoint", async () => {
    const { workspace, channel, endpoint, captured } = await setUp();
    const response = await postTikTok(channel.id, tiktokFixtures["new-message-text"]);
    expect(response.status).toBe(200);

    await vi.waitFor(() => expect(captured).toHaveLength(3), { timeout: 5000 });
    const webhook = new Webhook(endpoint.secret);
    for (const delivery of captured) {
      expect(delivery.url).toBe(endpoint.url);
      expect(delivery.headers["content-type"]).toBe("application/json");
      // The independent Standard Webhooks implementation accepts every delivery.
      expect(webhook.verify(delivery.body, delivery.headers)).toEqual(JSON.parse(delivery.body));
      expect(delivery.headers["webhook-id"]).toBe(JSON.parse(delivery.body).id);
    }
    const byType = Object.fromEntries(events(captured).map((e) => [e.type, e]));
    expect(Object.keys(byType).sort()).toEqual(["contact.created", "conversation.created", "message.received"]);
    const received = byType["message.received"];
    if (received?.type !== "message.received") throw new Error("no message.received");
    expect(received.data).toMatchObject({
      workspaceId: workspace.id,
      channel: { id: channel.id, platform: "tiktok" },
      contact: { platformUserId: "7190001234567890123", displayName: null },
      conversation: { platformThreadId: "7373009988776655443" },
      message: {
        platformMessageId: "7373009988776655501",
        direction: "inbound",
        sentAt: "2024-06-03T08:01:39.000Z",
        text: "Hi, when will order 576700112233445566 ship?",
        attachments: [],
      },
    });

    const listed = await json<{ data: GatewayEvent[] }>(await call("GET", "/v1/events", { token: workspace.apiKey }), 200);
    expect(listed.data.map((e) => e.id).sort()).toEqual(
      events(captured)
        .map((e) => e.id)
        .sort(),
    );
    await vi.waitFor(async () => expect((await attemptsOf(endpoint.id)).filter((a) => a.status === "succeeded")).toHaveLength(3));
  });

  it("stores contact, conversation and message rows", async () => {
    const { channel, captured } = await setUp();
    await postTikTok(channel.id, tiktokFixtures["new-message-text"]);
    await vi.waitFor(() => expect(captured).toHaveLength(3));
    expect(
      await count("SELECT count(*) n FROM contacts WHERE channel_id = ? AND platform_user_id = ?", channel.id, "7190001234567890123"),
    ).toBe(1);
    expect(await count("SELECT count(*) n FROM conversations WHERE platform_thread_id = ?", "7373009988776655443")).toBe(1);
    expect(await countStoredMessages("platform_message_id = ? AND seq = 1", "7373009988776655501")).toBe(1);
  });

  it("makes one event and one message of the same delivery sent twice", async () => {
    const { workspace, channel, captured } = await setUp();
    expect((await postTikTok(channel.id, tiktokFixtures["new-message-text"])).status).toBe(200);
    expect((await postTikTok(channel.id, tiktokFixtures["new-message-text"])).status).toBe(200);
    await vi.waitFor(() => expect(captured.length).toBeGreaterThanOrEqual(3));
    // Let the second delivery's processing finish too before counting.
    await vi.waitFor(async () => expect(await storedEventCount(workspace.id)).toBe(3));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await countStoredMessages("workspace_id = ?", workspace.id)).toBe(1);
    expect(await storedEventCount(workspace.id, "message.received")).toBe(1);
    expect(new Set(captured.map((c) => c.headers["webhook-id"])).size).toBe(captured.length);
    expect(captured).toHaveLength(3);
  });

  it("keeps two messages of one conversation in order", async () => {
    const { channel, captured } = await setUp();
    const first = withMessageId(tiktokFixtures["new-message-text"], "7373009988776655601");
    const second = withMessageId(tiktokFixtures["new-message-image"], "7373009988776655602");
    await postTikTok(channel.id, first);
    await postTikTok(channel.id, second);
    await vi.waitFor(() => expect(events(captured).filter((e) => e.type === "message.received")).toHaveLength(2));
    const rows = (await storedMessages("channel_id = ?", channel.id)).map((row) => ({ p: row.platform_message_id, seq: row.seq }));
    expect(rows).toEqual([
      { p: "7373009988776655601", seq: 1 },
      { p: "7373009988776655602", seq: 2 },
    ]);
    // One contact and one conversation, however many messages.
    expect(events(captured).filter((e) => e.type === "contact.created")).toHaveLength(1);
    expect(events(captured).filter((e) => e.type === "conversation.created")).toHaveLength(1);
  });

  it("turns an order status notification into order.updated", async () => {
    const { channel, captured } = await setUp();
    await postTikTok(channel.id, tiktokFixtures["order-status-update"]);
    await vi.waitFor(() => expect(captured).toHaveLength(1));
    expect(events(captured)[0]).toMatchObject({
      type: "order.updated",
      data: {
        channel: { id: channel.id },
        order: { orderId: "576700112233445566", status: "processing", platformStatus: "AWAITING_SHIPMENT" },
      },
    });
  });

  it("turns a real-shaped cancellation push (type 11, create_time) into order.updated, not a dead letter", async () => {
    const { workspace, channel, captured } = await setUp();
    await postTikTok(channel.id, tiktokFixtures["cancellation-status-change"]);
    await vi.waitFor(() => expect(captured).toHaveLength(1));
    expect(events(captured)[0]).toMatchObject({
      type: "order.updated",
      data: {
        channel: { id: channel.id },
        order: { orderId: "576700112233445566", status: "cancellation_requested", platformStatus: "CANCELLATION_REQUEST_PENDING" },
      },
    });
    const listed = await json<{ data: unknown[] }>(await call("GET", "/v1/dead-letters", { token: workspace.apiKey }), 200);
    expect(listed.data).toEqual([]);
  });

  it("neither records nor answers hidden messages and BUYER_ENTER_FROM_* context", async () => {
    const { workspace, channel } = await setUp();
    const message = JSON.parse(tiktokFixtures["new-message-text"]);
    const variant = (id: string, data: Record<string, unknown>) =>
      withMessageId(JSON.stringify({ ...message, data: { ...message.data, ...data } }, null, 2), id);
    await postTikTok(channel.id, variant("7373009988776655701", { is_visible: false }));
    await postTikTok(
      channel.id,
      variant("7373009988776655702", { type: "BUYER_ENTER_FROM_ORDER", content: JSON.stringify({ order_id: "576700112233445566" }) }),
    );
    await postTikTok(channel.id, tiktokFixtures["order-status-update"]);
    // The order event proves the queue drained past both.
    await vi.waitFor(async () => expect(await storedEventCount(workspace.id)).toBe(1));
    expect(await countStoredMessages("workspace_id = ?", workspace.id)).toBe(0);
    expect(await count("SELECT count(*) n FROM dead_letters WHERE workspace_id = ?", workspace.id)).toBe(0);
  });

  it("delivers only the event types an endpoint subscribed to", async () => {
    const workspace = await createWorkspace();
    await disableRouting(workspace.apiKey);
    const channel = await createTikTokChannel(workspace.apiKey);
    const endpoint = await createEndpoint(workspace.apiKey, "http://127.0.0.1:9999/messages-only", ["message.received"]);
    outbound = captureOutbound(endpoint.url);
    await postTikTok(channel.id, tiktokFixtures["new-message-text"]);
    await vi.waitFor(() => expect(outbound?.captured).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events(outbound.captured).map((e) => e.type)).toEqual(["message.received"]);
  });

  it("ignores the shop's own messages", async () => {
    const { workspace, channel } = await setUp();
    await postTikTok(channel.id, tiktokFixtures["new-message-seller"]);
    await postTikTok(channel.id, tiktokFixtures["order-status-update"]);
    // The order event proves the queue drained past the seller message.
    await vi.waitFor(async () => expect(await storedEventCount(workspace.id)).toBe(1));
    expect(await countStoredMessages("workspace_id = ?", workspace.id)).toBe(0);
    const listed = await json<{ data: unknown[] }>(await call("GET", "/v1/dead-letters", { token: workspace.apiKey }), 200);
    expect(listed.data).toEqual([]);
  });

  it("keeps a signed but unreadable delivery as a dead letter, and retries it on request", async () => {
    const { workspace, channel } = await setUp();
    const response = await postTikTok(channel.id, '{"type": 14, "data": "garbled"}');
    expect(response.status).toBe(200);
    const listed = await vi.waitFor(async () => {
      const page = await json<{ data: { id: string; reason: string; channelId: string }[] }>(
        await call("GET", "/v1/dead-letters", { token: workspace.apiKey }),
        200,
      );
      expect(page.data).toHaveLength(1);
      return page;
    });
    expect(listed.data[0]).toMatchObject({ channelId: channel.id, reason: expect.stringMatching(/not a TikTok Shop notification/) });
    const retried = await call("POST", `/v1/dead-letters/${listed.data[0]?.id}/retry`, { token: workspace.apiKey });
    expect(retried.status).toBe(202);
    expect(await json<{ retriedAt: string | null }>(retried, 202)).toMatchObject({ retriedAt: expect.any(String) });
  });
});

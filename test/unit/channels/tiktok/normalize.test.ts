import { describe, expect, it } from "vitest";
import { tiktok } from "../../../../src/channels/tiktok/index.ts";
import { tiktokFixtures } from "../../../fixtures/tiktok/index.ts";

describe("TikTok Shop normalize", () => {
  it("turns a buyer's text message into one inbound message with string ids", () => {
    const result = tiktok.normalize(tiktokFixtures["new-message-text"]);
    expect(result).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "message",
          platformThreadId: "7373009988776655443",
          sender: { platformUserId: "7190001234567890123", displayName: null },
          platformMessageId: "7373009988776655501",
          sentAt: 1717401699_000,
          text: "Hi, when will order 576700112233445566 ship?",
          attachments: [],
        },
      ],
    });
  });

  it("turns an image message into an image attachment with no text", () => {
    const result = tiktok.normalize(tiktokFixtures["new-message-image"]);
    expect(result.ok && result.items[0]).toMatchObject({
      kind: "message",
      text: null,
      attachments: [
        { kind: "image", url: "https://example.invalid/tts/im/7373009988776655502.jpeg", mimeType: null, platformMediaId: null },
      ],
    });
  });

  it("keeps cards and other message kinds as `other` attachments", () => {
    const card = tiktokFixtures["new-message-text"]
      .replace('"type": "TEXT"', '"type": "ORDER_CARD"')
      .replace(/"content": ".*"/, '"content": "{\\"order_id\\":\\"576700112233445566\\"}"');
    const result = tiktok.normalize(card);
    expect(result.ok && result.items[0]).toMatchObject({ kind: "message", text: null, attachments: [{ kind: "other", url: null }] });
  });

  it("ignores the shop's own messages", () => {
    const result = tiktok.normalize(tiktokFixtures["new-message-seller"]);
    expect(result).toMatchObject({ ok: true, items: [] });
    expect(result.ok && result.ignored[0]).toMatch(/customer_service side/);
  });

  it("turns an order status change into an order update", () => {
    expect(tiktok.normalize(tiktokFixtures["order-status-update"])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "order",
          platformEventId: "7373001122334455667",
          orderId: "576700112233445566",
          status: "processing",
          platformStatus: "AWAITING_SHIPMENT",
          at: 1717401598_000,
        },
      ],
    });
  });

  it("turns a pending cancellation into cancellation_requested", () => {
    const result = tiktok.normalize(tiktokFixtures["cancellation-status-change"]);
    expect(result.ok && result.items[0]).toMatchObject({
      kind: "order",
      status: "cancellation_requested",
      platformStatus: "CANCELLATION_REQUEST_PENDING",
    });
  });

  it.each(["new-conversation", "upcoming-authorization-expiration", "seller-deauthorization"] as const)(
    "acknowledges %s without items",
    (name) => {
      const result = tiktok.normalize(tiktokFixtures[name]);
      expect(result.ok).toBe(true);
      expect(result.ok && result.items).toEqual([]);
      expect(result.ok && result.ignored).toHaveLength(1);
    },
  );

  it.each([
    ["not JSON", "{"],
    ["a JSON array", "[]"],
    ["a notification without type", '{"tts_notification_id":"1","shop_id":"2","timestamp":1,"data":{}}'],
    [
      "ids as numbers (precision already lost)",
      '{"type":14,"tts_notification_id":7373001122334455701,"shop_id":"2","timestamp":1,"data":{}}',
    ],
    [
      "a message without sender",
      '{"type":14,"tts_notification_id":"1","shop_id":"2","timestamp":1,"data":{"conversation_id":"3","message_id":"4","type":"TEXT","content":"{}","create_time":1}}',
    ],
  ])("refuses %s with a reason instead of throwing", (_label, body) => {
    const result = tiktok.normalize(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason.length).toBeGreaterThan(0);
  });

  it("is deterministic", () => {
    for (const body of Object.values(tiktokFixtures)) expect(tiktok.normalize(body)).toEqual(tiktok.normalize(body));
  });
});

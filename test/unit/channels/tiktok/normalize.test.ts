import { describe, expect, it } from "vitest";
import { tiktok } from "../../../../src/channels/tiktok/index.ts";
import { tiktokFixtures } from "../../../fixtures/tiktok/index.ts";

/** A fixture with fields of its `data` replaced (its ids are strings, so JSON round-trips them exactly). */
function withData(name: keyof typeof tiktokFixtures, patch: Record<string, unknown>): string {
  const body = JSON.parse(tiktokFixtures[name]);
  return JSON.stringify({ ...body, data: { ...body.data, ...patch } });
}

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

  it("turns a real-shaped cancellation push (create_time, no update_time) into an order update", () => {
    expect(tiktok.normalize(tiktokFixtures["cancellation-status-change"])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "order",
          platformEventId: "7373001122334455800",
          orderId: "576700112233445566",
          status: "cancellation_requested",
          platformStatus: "CANCELLATION_REQUEST_PENDING",
          at: 1717401998_000,
        },
      ],
    });
  });

  it.each([
    ["CANCELLATION_REQUEST_PENDING", "cancellation_requested"],
    ["CANCELLATION_REQUEST_SUCCESS", "cancelled"],
    ["CANCELLATION_REQUEST_COMPLETE", "cancelled"],
    // The request was closed by the buyer or the system: the order stands, not a new request.
    ["CANCELLATION_REQUEST_CANCELLED", "other"],
    ["SOMETHING_NEW", "other"],
  ])("maps cancel_status %s to %s", (cancelStatus, status) => {
    const body = tiktokFixtures["cancellation-status-change"].replace("CANCELLATION_REQUEST_PENDING", cancelStatus);
    expect(tiktok.normalize(body)).toMatchObject({ ok: true, items: [{ kind: "order", status, platformStatus: cancelStatus }] });
  });

  it("refuses a cancellation push without create_time, naming the field", () => {
    const body = tiktokFixtures["cancellation-status-change"].replace('"create_time"', '"update_time"');
    const result = tiktok.normalize(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/cancellation status change.*create_time/);
  });

  it("maps type 1's CANCEL, the spelling the order status page lists, to cancelled", () => {
    const body = tiktokFixtures["order-status-update"].replace("AWAITING_SHIPMENT", "CANCEL");
    expect(tiktok.normalize(body)).toMatchObject({ ok: true, items: [{ status: "cancelled", platformStatus: "CANCEL" }] });
  });

  it("ignores a buyer message that is not visible to customer service", () => {
    const result = tiktok.normalize(withData("new-message-text", { is_visible: false }));
    expect(result).toMatchObject({ ok: true, items: [] });
    expect(result.ok && result.ignored[0]).toMatch(/not visible to customer service/);
    expect(tiktok.normalize(withData("new-message-text", { is_visible: true }))).toMatchObject({ ok: true, items: [{ kind: "message" }] });
  });

  it("carries the message's index as zero-padded digits, so that comparing the strings compares the numbers", () => {
    const indexOf = (index: unknown) => {
      const result = tiktok.normalize(withData("new-message-text", { index }));
      if (!result.ok) throw new Error(result.reason);
      const [item] = result.items;
      return item?.kind === "message" ? item.platformIndex : "not a message";
    };
    expect(indexOf("10")).toBe(`${"0".repeat(30)}10`);
    expect([indexOf("10"), indexOf("9"), indexOf("100")].sort()).toEqual([indexOf("9"), indexOf("10"), indexOf("100")]);
    expect(indexOf("7373009988776655501")).toBe(`${"0".repeat(13)}7373009988776655501`);
    expect(indexOf("0042")).toBe(indexOf("42"));
    expect(indexOf(42)).toBe(indexOf("42"));
    // Anything else orders by arrival and is still a message, never a dead letter.
    for (const odd of ["", "12a", "-3", 1.5, -1, { n: 1 }, "9".repeat(33), null]) expect(indexOf(odd)).toBeUndefined();
    expect(tiktok.normalize(tiktokFixtures["new-message-text"])).toMatchObject({ ok: true, items: [{ kind: "message" }] });
  });

  it.each([
    ["BUYER_ENTER_FROM_PRODUCT", { product_id: "1729384756102938475" }, "product", "1729384756102938475"],
    ["BUYER_ENTER_FROM_ORDER", { order_id: "576700112233445566" }, "order", "576700112233445566"],
    ["BUYER_ENTER_FROM_TRANSFER", {}, "transfer", null],
  ])("treats %s as the conversation's context, not a message to answer", (kind, content, source, refId) => {
    const result = tiktok.normalize(withData("new-message-text", { type: kind, content: JSON.stringify(content) }));
    expect(result).toMatchObject({
      ok: true,
      items: [{ kind: "entered_from", platformThreadId: "7373009988776655443", source, refId, at: expect.any(Number) }],
    });
  });

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

  it("turns SELLER_DEAUTHORIZATION (type 6) and UPCOMING_AUTHORIZATION_EXPIRATION (type 7) into authorization items", () => {
    expect(tiktok.normalize(tiktokFixtures["seller-deauthorization"])).toEqual({
      ok: true,
      ignored: [],
      items: [{ kind: "authorization", platformEventId: "7373001122334455950", change: "deauthorized", expiresAt: null }],
    });
    expect(tiktok.normalize(tiktokFixtures["upcoming-authorization-expiration"])).toEqual({
      ok: true,
      ignored: [],
      items: [{ kind: "authorization", platformEventId: "7373001122334455900", change: "expiring", expiresAt: 1720051200_000 }],
    });
  });

  it("refuses a type 7 push whose expiration_time is not a number, naming the field", () => {
    const result = tiktok.normalize(withData("upcoming-authorization-expiration", { expiration_time: "soon" }));
    expect(result).toMatchObject({ ok: false });
    expect(result.ok ? "" : result.reason).toContain("expiration_time");
  });

  it("is deterministic", () => {
    for (const body of Object.values(tiktokFixtures)) expect(tiktok.normalize(body)).toEqual(tiktok.normalize(body));
  });
});

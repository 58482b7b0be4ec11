import { describe, expect, it } from "vitest";
import { zalo } from "../../../../src/channels/zalo/index.ts";
import { type ZaloFixtureName, zaloFixtures } from "../../../fixtures/zalo/index.ts";

const USER = "8765432109876543210";
const customer = { platformUserId: USER, displayName: null };

/** The single message item a fixture must yield. */
function messageOf(name: ZaloFixtureName) {
  const result = zalo.normalize(zaloFixtures[name]);
  expect(result).toMatchObject({ ok: true, ignored: [] });
  expect(result.ok && result.items).toHaveLength(1);
  return result.ok ? result.items[0] : undefined;
}

describe("Zalo normalize", () => {
  it("turns user_send_text into one message, ids as exact strings and the time in ms", () => {
    expect(zalo.normalize(zaloFixtures["user-send-text"])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "message",
          platformThreadId: USER,
          sender: customer,
          platformMessageId: "a1b2c3d4e5f60718293a",
          sentAt: 1717401600123,
          text: "Xin chào, đơn hàng A1001 của tôi đang ở đâu?",
          attachments: [],
        },
      ],
    });
  });

  it("keeps ids sent as JSON numbers above 2^53 exact", () => {
    expect(messageOf("user-send-text-numeric-ids")).toEqual({
      kind: "message",
      platformThreadId: "8765432109876543211",
      sender: { platformUserId: "8765432109876543211", displayName: null },
      platformMessageId: "7e8f9001122334455667",
      sentAt: 1717401910000,
      text: "Đơn A1002 đã giao chưa?",
      attachments: [],
    });
  });

  it("turns an image with a caption into an image attachment whose caption is the text", () => {
    expect(messageOf("user-send-image")).toEqual({
      kind: "message",
      platformThreadId: USER,
      sender: customer,
      platformMessageId: "b2c3d4e5f60718293a4b",
      sentAt: 1717401660456,
      text: "Hộp bị móp",
      attachments: [
        { kind: "image", url: "https://example.invalid/zalo/full/b2c3d4e5f60718293a4b.jpg", mimeType: null, platformMediaId: null },
      ],
    });
  });

  it.each([
    [
      "user-send-sticker",
      "e5f60718293a4b5c6d7e",
      1717401800000,
      null,
      {
        kind: "sticker",
        url: "https://example.invalid/zalo/sticker/46a5b7c3a1e6f9b8a3c2.png",
        mimeType: null,
        platformMediaId: "46a5b7c3a1e6f9b8a3c2",
      },
    ],
    [
      "user-send-file",
      "f60718293a4b5c6d7e8f",
      1717401810000,
      null,
      {
        kind: "file",
        url: "https://example.invalid/zalo/file/f60718293a4b5c6d7e8f/hoa-don-A1001.pdf",
        mimeType: null,
        platformMediaId: null,
      },
    ],
    [
      "user-send-audio",
      "0718293a4b5c6d7e8f90",
      1717401820000,
      null,
      { kind: "audio", url: "https://example.invalid/zalo/voice/0718293a4b5c6d7e8f90.aac", mimeType: null, platformMediaId: null },
    ],
    [
      "user-send-video",
      "18293a4b5c6d7e8f9001",
      1717401830000,
      "Video mở hộp",
      { kind: "video", url: "https://example.invalid/zalo/video/18293a4b5c6d7e8f9001.mp4", mimeType: null, platformMediaId: null },
    ],
    [
      "user-send-gif",
      "293a4b5c6d7e8f900112",
      1717401840000,
      null,
      { kind: "image", url: "https://example.invalid/zalo/gif/293a4b5c6d7e8f900112.gif", mimeType: "image/gif", platformMediaId: null },
    ],
    [
      "user-send-location",
      "3a4b5c6d7e8f90011223",
      1717401850000,
      "123 Lê Lợi, Quận 1, TP.HCM",
      { kind: "location", url: "geo:10.7731,106.7004", mimeType: null, platformMediaId: null },
    ],
    [
      "user-send-link",
      "4b5c6d7e8f9001122334",
      1717401860000,
      "https://shop.example.invalid/p/A1001",
      { kind: "other", url: "https://shop.example.invalid/p/A1001", mimeType: null, platformMediaId: null },
    ],
    [
      "user-send-business-card",
      "5c6d7e8f900112233445",
      1717401870000,
      "Nguyễn Văn B",
      { kind: "other", url: "https://example.invalid/zalo/avatar/5c6d7e8f900112233445.jpg", mimeType: null, platformMediaId: null },
    ],
  ] as const)("turns %s into a message with its attachment", (name, msgId, sentAt, text, attachment) => {
    expect(messageOf(name)).toEqual({
      kind: "message",
      platformThreadId: USER,
      sender: customer,
      platformMessageId: msgId,
      sentAt,
      text,
      attachments: [attachment],
    });
  });

  it("reads a location given as message.location instead of an attachment", () => {
    const body = JSON.stringify({
      app_id: "1234567890123456789",
      sender: { id: USER },
      recipient: { id: "1122334455667788990" },
      event_name: "user_send_location",
      message: { msg_id: "m1", location: { latitude: 10.5, longitude: "106.25" } },
      timestamp: "1717401850000",
    });
    const result = zalo.normalize(body);
    expect(result.ok && result.items[0]).toMatchObject({
      text: null,
      attachments: [{ kind: "location", url: "geo:10.5,106.25", mimeType: null, platformMediaId: null }],
    });
  });

  it("keeps a message from a user who does not follow the OA (anonymous_send_text), threaded by its conversation_id", () => {
    expect(messageOf("anonymous-send-text")).toEqual({
      kind: "message",
      // The reply must name this conversation id: it is the thread, the anonymous id the sender.
      platformThreadId: "c0ffee00c0ffee00c0ffee00c0ffee00",
      sender: { platformUserId: "b1a2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", displayName: null },
      platformMessageId: "6d7e8f90011223344556",
      sentAt: 1717401880000,
      text: "Shop còn hàng không ạ?",
      attachments: [],
    });
  });

  it("threads an anonymous message without conversation_id by its sender, rather than lose it", () => {
    const body = zaloFixtures["anonymous-send-text"].replace(/,\s*"conversation_id": "[^"]*"/, "");
    expect(body).not.toContain("conversation_id");
    expect(zalo.normalize(body)).toMatchObject({ ok: true, items: [{ platformThreadId: "b1a2c3d4e5f6a7b8c9d0e1f2a3b4c5d6" }] });
  });

  it("ignores the OA's own messages (oa_send_* echoes)", () => {
    expect(zalo.normalize(zaloFixtures["oa-send-text"])).toEqual({
      ok: true,
      items: [],
      ignored: ["oa_send_text is the OA's own action (echo), not the customer's"],
    });
  });

  it("turns user_received_message into a delivered status for the user", () => {
    expect(zalo.normalize(zaloFixtures["user-received-message"])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "status",
          platformThreadId: USER,
          contact: customer,
          platformMessageId: "c3d4e5f60718293a4b5c",
          status: "delivered",
          at: 1717401700789,
        },
      ],
    });
  });

  it("turns user_seen_message into one read status per message it names", () => {
    expect(zalo.normalize(zaloFixtures["user-seen-message"])).toEqual({
      ok: true,
      ignored: [],
      items: ["c3d4e5f60718293a4b5c", "d4e5f60718293a4b5c6d"].map((platformMessageId) => ({
        kind: "status",
        platformThreadId: USER,
        contact: customer,
        platformMessageId,
        status: "read",
        at: 1717401760000,
      })),
    });
  });

  it.each([
    ["follow", "followed", 1717401500000],
    ["unfollow", "unfollowed", 1717401900000],
  ] as const)("turns %s into a contact change", (name, change, at) => {
    expect(zalo.normalize(zaloFixtures[name])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "contact",
          platformEventId: `${name}:${USER}:${at}`,
          platformThreadId: USER,
          contact: customer,
          change,
          at,
        },
      ],
    });
  });

  it.each(["user_reacted_message", "user_submit_info", "user_click_chatnow", "oa_reacted_message"])(
    "acknowledges %s without items",
    (eventName) => {
      const body = zaloFixtures["user-send-text"].replace('"user_send_text"', `"${eventName}"`);
      const result = zalo.normalize(body);
      expect(result.ok && result.items).toEqual([]);
      expect(result.ok && result.ignored).toEqual([expect.stringContaining(eventName)]);
    },
  );

  it.each([
    ["not JSON", "{"],
    ["a JSON array", "[]"],
    ["an event without event_name", '{"app_id":"1","timestamp":"1717401600123"}'],
    ["a timestamp that is not ms digits", '{"event_name":"follow","follower":{"id":"1"},"timestamp":"yesterday"}'],
    ["a message without msg_id", '{"event_name":"user_send_text","sender":{"id":"1"},"message":{"text":"hi"},"timestamp":"1"}'],
    [
      "a receipt naming no message",
      '{"event_name":"user_seen_message","sender":{"id":"1"},"recipient":{"id":"2"},"message":{},"timestamp":"1"}',
    ],
    ["a follow without follower", '{"event_name":"follow","oa_id":"1","timestamp":"1"}'],
  ])("refuses %s with a reason instead of throwing", (_label, body) => {
    const result = zalo.normalize(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason.length).toBeGreaterThan(0);
  });

  it("is deterministic", () => {
    for (const body of Object.values(zaloFixtures)) expect(zalo.normalize(body)).toEqual(zalo.normalize(body));
  });
});

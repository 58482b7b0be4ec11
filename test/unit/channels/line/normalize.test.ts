import { describe, expect, it } from "vitest";
import { line } from "../../../../src/channels/line/index.ts";
import { REPLY_TOKEN_BUDGET_MS } from "../../../../src/channels/line/normalize.ts";
import { lineFixtures } from "../../../fixtures/line/index.ts";

const USER = "Uf2b1c3d4e5f60718293a4b5c6d7e8f90";
const GROUP = "Ca56f94637c1f4d5e6a7b8c9d0e1f2a3b";
const sender = { platformUserId: USER, displayName: null };

/** `body` with `search` replaced; fails the test when `search` is not there. */
function edited(body: string, search: string | RegExp, replacement: string): string {
  const out = body.replace(search, replacement);
  expect(out, `no ${String(search)} in the fixture`).not.toBe(body);
  return out;
}

/** A single-event fixture's one item. */
function onlyItem(body: string) {
  const result = line.normalize(body);
  expect(result.ok, result.ok ? "" : result.reason).toBe(true);
  expect(result.ok && result.items).toHaveLength(1);
  return result.ok ? result.items[0] : undefined;
}

describe("LINE normalize: messages", () => {
  it("turns a text message into one message with its reply token, ids as exact strings and ms times", () => {
    expect(line.normalize(lineFixtures["text-message"])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "message",
          platformThreadId: USER,
          sender,
          platformMessageId: "520011223344556677",
          sentAt: 1717401600123,
          text: "こんにちは! Where is my order A1001?",
          attachments: [],
          replyToken: { token: "7f1b2c3d4e5f40718293a4b5c6d7e8f9", expiresAt: 1717401600123 + REPLY_TOKEN_BUDGET_MS },
        },
      ],
    });
  });

  it("maps a redelivery to the very same item, so the message id de-duplicates it", () => {
    expect(line.normalize(lineFixtures["text-message-redelivered"])).toEqual(line.normalize(lineFixtures["text-message"]));
  });

  it("turns an image from LINE's storage into an image attachment keyed by the message id", () => {
    expect(onlyItem(lineFixtures["image-message"])).toEqual({
      kind: "message",
      platformThreadId: USER,
      sender,
      platformMessageId: "520011223344556688",
      sentAt: 1717401660456,
      text: null,
      attachments: [{ kind: "image", url: null, mimeType: null, platformMediaId: "520011223344556688" }],
      replyToken: { token: "8a2c3d4e5f6071829304a5b6c7d8e9f0", expiresAt: 1717401690456 },
    });
  });

  it("keeps the URL of media from an external content provider", () => {
    const external = edited(
      lineFixtures["image-message"],
      '"type": "line"',
      '"type": "external", "originalContentUrl": "https://cdn.example/a.jpg", "previewImageUrl": "https://cdn.example/a-small.jpg"',
    );
    expect(onlyItem(external)).toMatchObject({
      attachments: [{ kind: "image", url: "https://cdn.example/a.jpg", mimeType: null, platformMediaId: "520011223344556688" }],
    });
  });

  it.each([
    ["video-message", "video", "520011223344556711", 1717402000111],
    ["audio-message", "audio", "520011223344556712", 1717402010222],
    ["file-message", "file", "520011223344556713", 1717402020333],
  ] as const)("turns %s into a %s attachment with no text", (name, kind, id, sentAt) => {
    expect(onlyItem(lineFixtures[name])).toMatchObject({
      kind: "message",
      platformThreadId: USER,
      sender,
      platformMessageId: id,
      sentAt,
      text: null,
      attachments: [{ kind, url: null, mimeType: null, platformMediaId: id }],
    });
  });

  it("turns a sticker into a sticker attachment identified by package and sticker id", () => {
    expect(onlyItem(lineFixtures["sticker-message"])).toEqual({
      kind: "message",
      platformThreadId: USER,
      sender,
      platformMessageId: "520011223344556714",
      sentAt: 1717402030444,
      text: null,
      attachments: [{ kind: "sticker", url: null, mimeType: null, platformMediaId: "446:1988" }],
      replyToken: { token: "6d7e8f90a1b2c3d4e5f60718293a4b5c", expiresAt: 1717402060444 },
    });
  });

  it("keeps the words typed on a message sticker as its text", () => {
    const typed = edited(
      lineFixtures["sticker-message"],
      '"stickerResourceType": "STATIC"',
      '"stickerResourceType": "MESSAGE", "text": "Thank you!"',
    );
    expect(onlyItem(typed)).toMatchObject({ text: "Thank you!", attachments: [{ kind: "sticker" }] });
  });

  it("turns a location into its title and address as text and a geo: URI", () => {
    expect(onlyItem(lineFixtures["location-message"])).toMatchObject({
      platformMessageId: "520011223344556715",
      sentAt: 1717402040555,
      text: "Pickup point\n1-3 Kioicho, Chiyoda-ku, Tokyo",
      attachments: [{ kind: "location", url: "geo:35.6792,139.7371", mimeType: null, platformMediaId: null }],
    });
  });

  it("threads a group message on the group, with the member as sender", () => {
    expect(onlyItem(lineFixtures["group-text-message"])).toEqual({
      kind: "message",
      platformThreadId: GROUP,
      sender,
      platformMessageId: "520011223344556716",
      sentAt: 1717402050666,
      text: "ร้านค้า: คำสั่งซื้อ 576700112233 ถึงไหนแล้ว",
      attachments: [],
      replyToken: { token: "8f90a1b2c3d4e5f60718293a4b5c6d7e", expiresAt: 1717402080666 },
    });
  });

  it("threads a room message on the room", () => {
    const room = edited(lineFixtures["group-text-message"], '"type": "group",\n        "groupId"', '"type": "room",\n        "roomId"');
    expect(onlyItem(room)).toMatchObject({ platformThreadId: GROUP, sender });
  });

  it("keeps a group message whose member LINE does not name, with the group as sender", () => {
    const anonymous = edited(lineFixtures["group-text-message"], `,\n        "userId": "${USER}"`, "");
    expect(onlyItem(anonymous)).toMatchObject({ platformThreadId: GROUP, sender: { platformUserId: GROUP, displayName: null } });
  });

  it("drops the reply token of a standby-mode event: another module answers that chat", () => {
    const standby = edited(lineFixtures["text-message"], '"mode": "active"', '"mode": "standby"');
    const item = onlyItem(standby);
    expect(item).toMatchObject({ kind: "message", platformMessageId: "520011223344556677" });
    expect(item).not.toHaveProperty("replyToken");
  });

  it("keeps ids exact when they arrive as JSON numbers above 2^53", () => {
    const numeric = edited(lineFixtures["text-message"], '"id": "520011223344556677"', '"id": 520011223344556677');
    expect(onlyItem(numeric)).toMatchObject({ platformMessageId: "520011223344556677" });
  });

  it("keeps a message type added later, as an `other` attachment", () => {
    const future = edited(lineFixtures["image-message"], '"type": "image"', '"type": "hologram"');
    expect(onlyItem(future)).toMatchObject({
      text: null,
      attachments: [{ kind: "other", url: null, mimeType: null, platformMediaId: "520011223344556688" }],
    });
  });
});

describe("LINE normalize: postbacks", () => {
  it("turns a postback into a message whose text is the button's data, keyed by webhookEventId", () => {
    expect(line.normalize(lineFixtures.postback)).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "message",
          platformThreadId: USER,
          sender,
          platformMessageId: "01HZX3P4R5S6T7V8W9X0Y1Z2A3",
          sentAt: 1717401720789,
          text: "action=track&order=A1001",
          attachments: [],
          replyToken: { token: "9b3d4e5f60718293a4b5c6d7e8f90a1b", expiresAt: 1717401750789 },
        },
      ],
    });
  });

  it("keys a postback without webhookEventId by type, thread and time", () => {
    const legacy = edited(lineFixtures.postback, /\s*"webhookEventId": "[^"]+",/, "");
    expect(onlyItem(legacy)).toMatchObject({ platformMessageId: `postback:${USER}:1717401720789` });
  });
});

describe("LINE normalize: contacts", () => {
  it("turns a follow into a followed contact change keyed by webhookEventId", () => {
    expect(line.normalize(lineFixtures.follow)).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "contact",
          platformEventId: "01HZX3Q0B1C2D3E4F5G6H7J8K9",
          platformThreadId: USER,
          contact: sender,
          change: "followed",
          at: 1717401500000,
        },
      ],
    });
  });

  it("turns a follow after a block into unblocked", () => {
    const unblocked = edited(lineFixtures.follow, '"isUnblocked": false', '"isUnblocked": true');
    expect(onlyItem(unblocked)).toMatchObject({ kind: "contact", change: "unblocked" });
  });

  it("turns an unfollow (LINE's block) into blocked", () => {
    expect(line.normalize(lineFixtures.unfollow)).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "contact",
          platformEventId: "01HZX3R7M8N9P0Q1R2S3T4V5W6",
          platformThreadId: USER,
          contact: sender,
          change: "blocked",
          at: 1717405200000,
        },
      ],
    });
  });
});

describe("LINE normalize: deliveries", () => {
  it("accepts the console's Verify request (events: []) as zero items, not a dead letter", () => {
    expect(line.normalize(lineFixtures["verify-empty-events"])).toEqual({ ok: true, items: [], ignored: [] });
  });

  it("yields one item per event of a batch, in order, across users", () => {
    const result = line.normalize(lineFixtures.batched);
    expect(result).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "message",
          platformThreadId: "U9a8b7c6d5e4f30211203a4b5c6d7e8f9",
          sender: { platformUserId: "U9a8b7c6d5e4f30211203a4b5c6d7e8f9", displayName: null },
          platformMessageId: "520011223344556699",
          sentAt: 1717401780000,
          text: "Hello?",
          attachments: [],
          replyToken: { token: "1d5f60718293a4b5c6d7e8f90a1b2c3d", expiresAt: 1717401810000 },
        },
        {
          kind: "message",
          platformThreadId: "U9a8b7c6d5e4f30211203a4b5c6d7e8f9",
          sender: { platformUserId: "U9a8b7c6d5e4f30211203a4b5c6d7e8f9", displayName: null },
          platformMessageId: "520011223344556700",
          sentAt: 1717401785000,
          text: "I also want to change the size to M.",
          attachments: [],
          replyToken: { token: "2e60718293a4b5c6d7e8f90a1b2c3d4e", expiresAt: 1717401815000 },
        },
        {
          kind: "contact",
          platformEventId: "01HZX3T5P6Q7R8S9T0V1W2X3Y4",
          platformThreadId: "U00112233445566778899aabbccddeeff",
          contact: { platformUserId: "U00112233445566778899aabbccddeeff", displayName: null },
          change: "blocked",
          at: 1717401790000,
        },
      ],
    });
  });

  it.each([
    ["unsend", /^unsend event 01HZX4A7B8C9D0E1F2G3H4J5K6: retracted messages are not modelled$/],
    ["join", /^join event 01HZX4A8B9C0D1E2F3G4H5J6K7 carries no customer message/],
  ] as const)("acknowledges a %s event without items, saying why", (name, reason) => {
    const result = line.normalize(lineFixtures[name]);
    expect(result).toMatchObject({ ok: true, items: [] });
    expect(result.ok && result.ignored).toEqual([expect.stringMatching(reason)]);
  });

  it.each([
    ["not JSON", "{"],
    ["a JSON array", "[]"],
    ["a body without events", '{"destination":"U0123456789abcdef0123456789abcdef"}'],
    ["an event that is not an object", '{"events":[42]}'],
    ["a message event without message", '{"events":[{"type":"message","timestamp":1,"source":{"type":"user","userId":"U1"}}]}'],
    [
      "a message without id",
      '{"events":[{"type":"message","timestamp":1,"source":{"type":"user","userId":"U1"},"message":{"type":"text","text":"hi"}}]}',
    ],
    ["a message event without source", '{"events":[{"type":"message","timestamp":1,"message":{"id":"1","type":"text","text":"hi"}}]}'],
    [
      "a timestamp in seconds written as text",
      '{"events":[{"type":"follow","timestamp":"1717401500","source":{"type":"user","userId":"U1"}}]}',
    ],
  ])("refuses %s with a reason instead of throwing", (_label, body) => {
    const result = line.normalize(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason.length).toBeGreaterThan(0);
  });

  it("dead-letters the whole batch when one event is unreadable, naming it", () => {
    const broken = edited(lineFixtures.batched, '"id": "520011223344556700",', "");
    const result = line.normalize(broken);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^events\[1\]: message event: message\.id/) });
  });
});

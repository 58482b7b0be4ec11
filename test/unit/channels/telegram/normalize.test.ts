import { describe, expect, it } from "vitest";
import { telegram } from "../../../../src/channels/telegram/index.ts";
import type { InboundItem } from "../../../../src/channels/types.ts";
import { type TelegramFixtureName, telegramFixtures } from "../../../fixtures/telegram/index.ts";

const customer = { platformUserId: "6012345678", displayName: "Test Customer" };

function itemsOf(body: string): InboundItem[] {
  const result = telegram.normalize(body);
  if (!result.ok) throw new Error(result.reason);
  return result.items;
}

function ignoredOf(body: string): string[] {
  const result = telegram.normalize(body);
  if (!result.ok) throw new Error(result.reason);
  expect(result.items).toEqual([]);
  return result.ignored;
}

/** A private-chat update around `message`, with the fixtures' customer as sender. */
function update(key: string, message: Record<string, unknown>): string {
  return JSON.stringify({
    update_id: 734501300,
    [key]: {
      message_id: 70,
      from: { id: 6012345678, is_bot: false, first_name: "Test", last_name: "Customer" },
      chat: { id: 6012345678, first_name: "Test", type: "private" },
      date: 1717402200,
      ...message,
    },
  });
}

describe("Telegram normalize: messages", () => {
  it("turns a text message into one message with a chat-qualified id and ms time", () => {
    expect(telegram.normalize(telegramFixtures["text-message"])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "message",
          platformThreadId: "6012345678",
          sender: customer,
          platformMessageId: "6012345678:58",
          sentAt: 1717401600_000,
          text: "Hello, I need help with order A1001",
          attachments: [],
        },
      ],
    });
  });

  it("keeps a supergroup's large negative chat id exact, and the sender apart from the chat", () => {
    expect(itemsOf(telegramFixtures["group-message-large-chat-id"])).toEqual([
      {
        kind: "message",
        platformThreadId: "-1001987654321",
        sender: customer,
        platformMessageId: "-1001987654321:4021",
        sentAt: 1717401800_000,
        text: "/help@demo_support_bot",
        attachments: [],
      },
    ]);
  });

  it("keeps ids past 2^53 exact, digit for digit", () => {
    const body = telegramFixtures["text-message"].replaceAll("6012345678", "90071992547409931");
    expect(itemsOf(body)[0]).toMatchObject({
      platformThreadId: "90071992547409931",
      sender: { platformUserId: "90071992547409931" },
      platformMessageId: "90071992547409931:58",
    });
  });

  it("takes a photo's largest size, its file_id and its caption, with no url (it would embed the token)", () => {
    expect(itemsOf(telegramFixtures["photo-message"])).toEqual([
      {
        kind: "message",
        platformThreadId: "6012345678",
        sender: customer,
        platformMessageId: "6012345678:59",
        sentAt: 1717401660_000,
        text: "Label on the parcel",
        attachments: [
          { kind: "image", url: null, mimeType: null, platformMediaId: "AgACAgIAAxkBAAIBOmZfakeLargeFileId0000000000000000000000000" },
        ],
      },
    ]);
  });

  it("takes the largest photo even when the sizes come out of order", () => {
    const photo = [
      { file_id: "big", width: 1280, height: 960 },
      { file_id: "small", width: 90, height: 67 },
    ];
    expect(itemsOf(update("message", { photo }))[0]).toMatchObject({ attachments: [{ kind: "image", platformMediaId: "big" }] });
  });

  it.each<[TelegramFixtureName, string | null, object]>([
    [
      "voice-message",
      null,
      { kind: "audio", url: null, mimeType: "audio/ogg", platformMediaId: "AwACAgIAAxkBAAIBPWZfakeVoiceFileId00000000000000000000000" },
    ],
    [
      "document-message",
      "Invoice for A1001 attached",
      {
        kind: "file",
        url: null,
        mimeType: "application/pdf",
        platformMediaId: "BQACAgIAAxkBAAIBPmZfakeDocumentFileId00000000000000000000",
      },
    ],
    [
      "sticker-message",
      null,
      { kind: "sticker", url: null, mimeType: null, platformMediaId: "CAACAgIAAxkBAAIBP2ZfakeStickerFileId000000000000000000000" },
    ],
    ["location-message", null, { kind: "location", url: "geo:10.776889,106.700806", mimeType: null, platformMediaId: null }],
  ])("turns %s into one attachment", (name, text, attachment) => {
    expect(itemsOf(telegramFixtures[name])).toEqual([
      expect.objectContaining({ kind: "message", sender: customer, text, attachments: [attachment] }),
    ]);
  });

  it("reads each message id and time from its own fixture", () => {
    expect(itemsOf(telegramFixtures["voice-message"])[0]).toMatchObject({ platformMessageId: "6012345678:61", sentAt: 1717401900_000 });
    expect(itemsOf(telegramFixtures["location-message"])[0]).toMatchObject({ platformMessageId: "6012345678:64", sentAt: 1717402080_000 });
  });

  it.each([
    ["video", { video: { file_id: "v1", mime_type: "video/mp4" } }, { kind: "video", mimeType: "video/mp4", platformMediaId: "v1" }],
    ["round video note", { video_note: { file_id: "vn1" } }, { kind: "video", mimeType: null, platformMediaId: "vn1" }],
    ["music file", { audio: { file_id: "a1", mime_type: "audio/mpeg" } }, { kind: "audio", mimeType: "audio/mpeg", platformMediaId: "a1" }],
    [
      "animation (read before the document Telegram also fills)",
      { animation: { file_id: "gif1", mime_type: "video/mp4" }, document: { file_id: "gif1-doc", mime_type: "video/mp4" } },
      { kind: "video", mimeType: "video/mp4", platformMediaId: "gif1" },
    ],
    ["poll", { poll: { id: "1", question: "?" } }, { kind: "other", mimeType: null, platformMediaId: null }],
  ])("turns a %s into its attachment kind", (_label, content, attachment) => {
    expect(itemsOf(update("message", content))[0]).toMatchObject({ text: null, attachments: [{ url: null, ...attachment }] });
  });

  it("keeps a venue's name and address as text beside its location", () => {
    const venue = { location: { latitude: 1.5, longitude: 2.25 }, title: "Demo Shop", address: "1 Main St" };
    expect(itemsOf(update("message", { venue, location: venue.location }))[0]).toMatchObject({
      text: "Demo Shop, 1 Main St",
      attachments: [{ kind: "location", url: "geo:1.5,2.25" }],
    });
  });

  it("keeps a shared contact's name and phone as text", () => {
    const contact = { phone_number: "+15550100", first_name: "Test", last_name: "Customer" };
    expect(itemsOf(update("message", { contact }))[0]).toMatchObject({
      text: "Test Customer: +15550100",
      attachments: [{ kind: "other" }],
    });
  });

  it("names a customer writing as their own channel in a group by that channel", () => {
    const body = update("message", {
      chat: { id: -1001987654321, type: "supergroup", title: "Support" },
      from: { id: 136817688, is_bot: true, first_name: "Channel", username: "Channel_Bot" },
      sender_chat: { id: -1002223334445, type: "channel", title: "Customer's Channel" },
      text: "hi",
    });
    expect(itemsOf(body)[0]).toMatchObject({
      platformThreadId: "-1001987654321",
      sender: { platformUserId: "-1002223334445", displayName: "Customer's Channel" },
    });
  });
});

describe("Telegram normalize: the business's own side and service messages", () => {
  it("ignores an anonymous admin of the support group, who writes as the group", () => {
    expect(ignoredOf(telegramFixtures["group-anonymous-admin"])).toEqual([
      "message -1001987654321:4022: written by an anonymous admin of the group",
    ]);
  });

  it("ignores messages written by bots", () => {
    const body = update("message", { from: { id: 7000000001, is_bot: true, first_name: "Demo Support Bot" }, text: "hi" });
    expect(ignoredOf(body)).toEqual(["message 6012345678:70: written by a bot"]);
  });

  it("ignores the linked channel's posts forwarded into its discussion group", () => {
    const body = update("message", {
      is_automatic_forward: true,
      sender_chat: { id: -1003334445556, type: "channel", title: "Demo Shop News" },
      text: "New arrivals!",
    });
    expect(ignoredOf(body)[0]).toMatch(/automatic forward/);
  });

  it("ignores service messages such as a member joining", () => {
    const body = update("message", { new_chat_members: [{ id: 6012345679, is_bot: false, first_name: "New" }] });
    expect(ignoredOf(body)).toEqual(["message 6012345678:70 is a service message with no customer content"]);
  });

  it("keeps message text out of the ignored reasons, which are logged", () => {
    for (const reason of ignoredOf(telegramFixtures["group-anonymous-admin"])) expect(reason).not.toContain("looking into it");
  });
});

describe("Telegram normalize: edits and button taps", () => {
  it("turns an edit into a new message, id and time from edit_date, so the correction is seen", () => {
    expect(itemsOf(telegramFixtures["edited-message"])).toEqual([
      {
        kind: "message",
        platformThreadId: "6012345678",
        sender: customer,
        platformMessageId: "6012345678:58:edit:1717401725",
        sentAt: 1717401725_000,
        text: "Hello, I need help with order A1002 (not A1001)",
        attachments: [],
      },
    ]);
  });

  it("gives two edits of one message two ids, distinct from the original's", () => {
    const again = telegramFixtures["edited-message"].replace("1717401725", "1717401790");
    expect(itemsOf(again)[0]).toMatchObject({ platformMessageId: "6012345678:58:edit:1717401790", sentAt: 1717401790_000 });
  });

  it("ignores the edits a live location sends every few seconds", () => {
    const body = update("edited_message", { edit_date: 1717402230, location: { latitude: 1, longitude: 2, live_period: 900 } });
    expect(ignoredOf(body)).toEqual(["message 6012345678:70:edit:1717402230 is a live location update"]);
  });

  it("turns a button tap into a message whose text is the callback data, to be answered", () => {
    expect(itemsOf(telegramFixtures["callback-query"])).toEqual([
      {
        kind: "message",
        platformThreadId: "6012345678",
        sender: customer,
        platformMessageId: "callback:2581234567890123456",
        sentAt: 1717401700_000,
        text: "handoff",
        attachments: [],
        acknowledge: "2581234567890123456",
      },
    ]);
  });

  function callback(patch: Record<string, unknown>): string {
    const query = JSON.parse(telegramFixtures["callback-query"]).callback_query;
    return JSON.stringify({ update_id: 734501236, callback_query: { ...query, ...patch } });
  }

  it.each([
    ["from an inline-mode message (no chat to answer in)", { message: undefined, inline_message_id: "AAA" }, /inline-mode/],
    [
      "on an inaccessible message (date 0: no time at all)",
      { message: { message_id: 60, chat: { id: 6012345678, type: "private" }, date: 0 } },
      /inaccessible/,
    ],
    ["of a game button (no data)", { data: undefined, game_short_name: "quiz" }, /game button/],
  ])("ignores a tap %s", (_label, patch, reason) => {
    expect(ignoredOf(callback(patch))[0]).toMatch(reason);
  });
});

describe("Telegram normalize: blocking and unblocking the bot", () => {
  it("turns a private chat's kicked status into a blocked contact", () => {
    expect(itemsOf(telegramFixtures["my-chat-member-blocked"])).toEqual([
      {
        kind: "contact",
        platformEventId: "my_chat_member:6012345678:1717405200:kicked",
        platformThreadId: "6012345678",
        contact: customer,
        change: "blocked",
        at: 1717405200_000,
      },
    ]);
  });

  it("turns kicked → member into an unblocked contact", () => {
    expect(itemsOf(telegramFixtures["my-chat-member-unblocked"])).toEqual([
      {
        kind: "contact",
        platformEventId: "my_chat_member:6012345678:1717408800:member",
        platformThreadId: "6012345678",
        contact: customer,
        change: "unblocked",
        at: 1717408800_000,
      },
    ]);
  });

  function membership(chat: Record<string, unknown>, from: string, to: string): string {
    const blocked = JSON.parse(telegramFixtures["my-chat-member-blocked"]);
    blocked.my_chat_member.chat = chat;
    blocked.my_chat_member.old_chat_member.status = from;
    blocked.my_chat_member.new_chat_member.status = to;
    return JSON.stringify(blocked);
  }

  it("reads left → member in a private chat as a first start", () => {
    expect(itemsOf(membership({ id: 6012345678, type: "private" }, "left", "member"))[0]).toMatchObject({ change: "followed" });
  });

  it("ignores the bot being added to or removed from a group: that is no contact's relation", () => {
    const reasons = ignoredOf(membership({ id: -1001987654321, type: "supergroup", title: "Support" }, "member", "left"));
    expect(reasons).toEqual(["the bot's membership of supergroup -1001987654321 changed (member → left)"]);
  });
});

describe("Telegram normalize: other updates and unreadable bodies", () => {
  it.each([
    ["channel_post", /a post in a channel/],
    ["message_reaction", /a reaction/],
    ["business_message", /business_connection_id/],
    ["inline_query", /not a customer message/],
  ])("acknowledges a %s update without items", (key, reason) => {
    const body = JSON.stringify({ update_id: 734501400, [key]: { id: "1" } });
    expect(ignoredOf(body)[0]).toMatch(reason);
  });

  it("acknowledges an update with nothing in it", () => {
    expect(ignoredOf('{"update_id":734501401}')).toEqual(["update 734501401 carries nothing, which is not a customer message"]);
  });

  it.each([
    ["not JSON", "{"],
    ["a JSON array", "[]"],
    ["an update without update_id", '{"message":{}}'],
    ["a message without chat", '{"update_id":1,"message":{"message_id":1,"date":1,"text":"hi"}}'],
    ["a fractional chat id", '{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":1.5,"type":"private"},"text":"hi"}}'],
    [
      "a chat id that is not a number",
      '{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":"@shop","type":"private"},"text":"hi"}}',
    ],
  ])("refuses %s with a reason instead of throwing", (_label, body) => {
    const result = telegram.normalize(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason.length).toBeGreaterThan(0);
  });

  it("is deterministic", () => {
    for (const body of Object.values(telegramFixtures)) expect(telegram.normalize(body)).toEqual(telegram.normalize(body));
  });
});
